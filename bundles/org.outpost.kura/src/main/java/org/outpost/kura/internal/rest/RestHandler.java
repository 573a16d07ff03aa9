package org.outpost.kura.internal.rest;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Finds the resource by base path and runs it on a worker thread: resources install bundles and
 * write configuration, which must never happen on the event loop. The credential was checked on
 * the request's head ({@link CredentialGate}). Requests of one connection are answered in the
 * order they came (a client may pipeline): the next starts when the previous one's answer is
 * written. One per connection; its fields are only touched on the connection's event loop.
 */
final class RestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(RestHandler.class);
    /** Requests a client may send ahead of its answers; more close the connection. */
    private static final int MAX_PIPELINED = 16;

    private final Function<String, RestResource> resources;
    private final ExecutorService workers;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private boolean busy;

    /** A request ready to run, or one already answered (refused before it reached a resource). */
    private record Pending(boolean keepAlive, RestResponse answer, RestResource resource, String below,
            Map<String, List<String>> parameters, FullHttpRequest request) {

        static Pending answered(boolean keepAlive, RestResponse answer) {
            return new Pending(keepAlive, answer, null, null, null, null);
        }

        void release() {
            if (request != null) {
                request.release();
            }
        }
    }

    RestHandler(Function<String, RestResource> resources, ExecutorService workers) {
        super(true);
        this.resources = resources;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Pending pending = prepare(request);
        if (!busy) {
            start(ctx, pending);
        } else if (waiting.size() < MAX_PIPELINED) {
            waiting.add(pending);
        } else {
            pending.release();
            ctx.close();
        }
    }

    private Pending prepare(FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            return Pending.answered(false, RestResponse.error(ErrorCode.INVALID_ARGUMENT, "malformed HTTP request"));
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String rawPath = uri.rawPath();
        RestResource resource = resources.apply(rawPath);
        if (resource == null) {
            return Pending.answered(keepAlive, RestResponse.error(ErrorCode.NOT_FOUND, "no such path: " + rawPath));
        }
        try {
            String below = decodeSegments(rawPath.substring(resource.basePath().length()));
            Map<String, List<String>> parameters = uri.parameters();
            // the body (an upload may be tens of MiB) is copied and parsed on the worker, not on the event loop
            return new Pending(keepAlive, null, resource, below, parameters, request.retain());
        } catch (IllegalArgumentException e) {
            return Pending.answered(keepAlive, RestResponse.error(ErrorCode.INVALID_ARGUMENT,
                    "malformed URL " + request.uri() + ": " + e.getMessage()));
        }
    }

    private void start(ChannelHandlerContext ctx, Pending pending) {
        busy = true;
        if (pending.answer() != null) {
            finish(ctx, pending.keepAlive(), pending.answer());
            return;
        }
        try {
            workers.execute(() -> {
                RestResponse response;
                try {
                    response = handle(pending);
                } catch (Throwable e) {
                    LOG.warn("{} {}{} failed", pending.request().method(), pending.resource().basePath(), pending.below(), e);
                    response = RestResponse.error(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName());
                } finally {
                    pending.release();
                }
                RestResponse answer = response;
                try {
                    ctx.executor().execute(() -> finish(ctx, pending.keepAlive(), answer));
                } catch (RejectedExecutionException e) {
                    LOG.debug("the REST port closed before {} {} was answered", pending.resource().basePath(), pending.below());
                }
            });
        } catch (RejectedExecutionException e) {
            pending.release();
            finish(ctx, false, RestResponse.error(ErrorCode.UNAVAILABLE, "the gateway's REST service is stopping"));
        }
    }

    /** On the event loop: writes the answer, then starts the next waiting request. */
    private void finish(ChannelHandlerContext ctx, boolean keepAlive, RestResponse response) {
        write(ctx, keepAlive, toHttp(response));
        busy = false;
        if (!keepAlive) {
            releaseWaiting();
            return;
        }
        Pending next = waiting.poll();
        if (next != null) {
            start(ctx, next);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseWaiting();
        super.channelInactive(ctx);
    }

    private void releaseWaiting() {
        for (Pending pending = waiting.poll(); pending != null; pending = waiting.poll()) {
            pending.release();
        }
    }

    private static RestResponse handle(Pending pending) {
        FullHttpRequest request = pending.request();
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        byte[] body = ByteBufUtil.getBytes(request.content());
        Map<String, RestRequest.Upload> uploads;
        try {
            uploads = contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data") ? uploads(request) : Map.of();
        } catch (RuntimeException | IOException e) {
            return RestResponse.error(ErrorCode.INVALID_ARGUMENT, "malformed multipart body: " + e.getMessage());
        }
        return run(pending.resource(), new RestRequest(request.method().name(), pending.below(), pending.parameters(), contentType,
                body, uploads));
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

    static FullHttpResponse toHttp(RestResponse response) {
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
