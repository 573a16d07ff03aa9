package org.outpost.kura.internal.rest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;

/**
 * Checks the credential, finds the resource by base path and runs it on a worker thread: resources
 * install bundles and write configuration, which must never happen on the event loop.
 */
final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RestHandler.class);

    private final GatewayCredential credential;
    private final Function<String, RestResource> resources;
    private final ExecutorService workers;

    RestHandler(GatewayCredential credential, Function<String, RestResource> resources, ExecutorService workers) {
        this.credential = credential;
        this.resources = resources;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, false, RestResponse.error(ErrorCode.INVALID_ARGUMENT, "malformed HTTP request"));
            return;
        }
        if (!credential.accepts(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse refused = toHttp(RestResponse.error(ErrorCode.UNAUTHORIZED,
                    "this gateway's admin credential is needed (Bearer token, or Basic user 'admin' with the token)"));
            refused.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"outpost\"");
            write(ctx, keepAlive, refused);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        RestResource resource = resources.apply(path);
        if (resource == null) {
            respond(ctx, keepAlive, RestResponse.error(ErrorCode.NOT_FOUND, "no such path: " + path));
            return;
        }
        String below = decodeSegments(path.substring(resource.basePath().length()));
        // the body (an upload may be tens of MiB) is copied and parsed on the worker, not on the event loop
        FullHttpRequest retained = request.retain();
        try {
            workers.execute(() -> {
                try {
                    respond(ctx, keepAlive, handle(resource, below, uri, retained));
                } finally {
                    retained.release();
                }
            });
        } catch (RejectedExecutionException e) {
            retained.release();
            respond(ctx, false, RestResponse.error(ErrorCode.UNAVAILABLE, "the gateway's REST service is stopping"));
        }
    }

    private static RestResponse handle(RestResource resource, String below, QueryStringDecoder uri, FullHttpRequest request) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        byte[] body = ByteBufUtil.getBytes(request.content());
        Map<String, RestRequest.Upload> uploads;
        try {
            uploads = contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data") ? uploads(request) : Map.of();
        } catch (RuntimeException | IOException e) {
            return RestResponse.error(ErrorCode.INVALID_ARGUMENT, "malformed multipart body: " + e.getMessage());
        }
        return run(resource, new RestRequest(request.method().name(), below, uri.parameters(), contentType, body, uploads));
    }

    private static RestResponse run(RestResource resource, RestRequest request) {
        try {
            return resource.handle(request);
        } catch (OutpostException e) {
            return RestResponse.error(e.code(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("{} {}{} failed", request.method(), resource.basePath(), request.path(), e);
            return RestResponse.error(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private static Map<String, RestRequest.Upload> uploads(FullHttpRequest request) throws IOException {
        HttpPostMultipartRequestDecoder decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), request);
        try {
            Map<String, RestRequest.Upload> files = new LinkedHashMap<>();
            for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
                if (data instanceof FileUpload file) {
                    files.put(file.getName(), new RestRequest.Upload(file.getFilename(), file.get()));
                }
            }
            return files;
        } finally {
            decoder.destroy();
        }
    }

    /** {@code ""} or {@code /segment/...} with each segment percent-decoded. */
    private static String decodeSegments(String rawPath) {
        if (rawPath.isEmpty()) {
            return rawPath;
        }
        StringBuilder decoded = new StringBuilder();
        for (String segment : rawPath.substring(1).split("/", -1)) {
            decoded.append('/').append(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return decoded.toString();
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, RestResponse response) {
        write(ctx, keepAlive, toHttp(response));
    }

    private static FullHttpResponse toHttp(RestResponse response) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        http.headers().set("X-Content-Type-Options", "nosniff");
        return http;
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse http) {
        if (keepAlive) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(http);
        } else {
            ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
