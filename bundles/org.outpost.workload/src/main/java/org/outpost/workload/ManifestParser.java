package org.outpost.workload;

import java.io.StringReader;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.outpost.workload.internal.Problems;
import org.outpost.workload.internal.WorkloadReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses manifest files: one or more YAML documents, each a Deployment, DaemonSet or
 * BundleDeployment. All or nothing: either every workload of the file comes back, or a
 * {@link ManifestException} lists every problem with its line and field.
 */
@Component(service = ManifestParser.class)
public class ManifestParser {
    /** Manifests are short: a file of more UTF-8 bytes (1 MiB) is refused before it is parsed. */
    public static final int MAX_BYTES = 1 << 20;
    /** Kept for callers that checked characters: no text of more characters can be within {@link #MAX_BYTES}. */
    public static final int MAX_CHARACTERS = MAX_BYTES;
    /** Workloads (YAML documents that are not empty) one manifest may hold. */
    public static final int MAX_WORKLOADS = 100;
    private static final int MAX_ALIASES = 20;
    private static final int MAX_NESTING = 40;

    /**
     * @param yaml   the file's text
     * @param source what to call the file in problems ({@code thermo.yaml})
     * @throws ManifestException when anything in the file is wrong; nothing of it is returned
     */
    public List<Workload> parse(String yaml, String source) {
        return parse(yaml, source, WorkloadLimits.DEFAULTS);
    }

    /**
     * @param limits the server's limits ({@link WorkloadRegistry#limits()}): a workload beyond them
     *               is a problem of the file, with its line
     * @throws ManifestException when anything in the file is wrong; nothing of it is returned
     */
    public List<Workload> parse(String yaml, String source, WorkloadLimits limits) {
        Problems problems = new Problems(source);
        // every character is at least one byte: a text longer in characters is too long in bytes
        long bytes = yaml.length() > MAX_BYTES ? yaml.length() : StandardCharsets.UTF_8.encode(CharBuffer.wrap(yaml)).remaining();
        if (bytes > MAX_BYTES) {
            problems.add(0, "", tooLarge(bytes));
            throw new ManifestException(problems.all());
        }
        List<Workload> workloads = new ArrayList<>();
        Map<String, Integer> firstLineOfName = new HashMap<>();
        WorkloadReader reader = new WorkloadReader(problems, limits);
        int documents = 0;
        try {
            for (Node document : new Yaml(loaderOptions()).composeAll(new StringReader(yaml))) {
                if (isEmpty(document)) {
                    continue;
                }
                if (++documents > MAX_WORKLOADS) {
                    problems.add(document.getStartMark().getLine() + 1, "", "a manifest may hold at most " + MAX_WORKLOADS
                            + " workloads; split it into several files");
                    break; // what follows is not read
                }
                Optional<Workload> workload = reader.read(document);
                workload.ifPresent(w -> {
                    String id = w.kind().manifestName() + " " + w.namespace() + "/" + w.name();
                    int line = document.getStartMark().getLine() + 1;
                    Integer earlier = firstLineOfName.putIfAbsent(id, line);
                    if (earlier != null) {
                        problems.add(line, "metadata.name", id + " is already defined at line " + earlier);
                    } else {
                        workloads.add(w);
                    }
                });
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            problems.add(line, "", "not valid YAML: " + firstLine(e.getProblem() == null ? e.getMessage() : e.getProblem()));
        } catch (YAMLException e) {
            problems.add(0, "", "not valid YAML: " + firstLine(e.getMessage()));
        }
        if (problems.isEmpty() && workloads.isEmpty()) {
            problems.add(0, "", "has no workload in it");
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(problems.all());
        }
        return List.copyOf(workloads);
    }

    /**
     * The sentence refusing a manifest of {@code bytes} UTF-8 bytes (the shell says it before reading a file).
     */
    public static String tooLarge(long bytes) {
        return "is " + bytes + " bytes long; a manifest may have at most " + MAX_BYTES + " bytes (1 MiB); split it into several files";
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES * 2); // the length check above is the real limit
        options.setMaxAliasesForCollections(MAX_ALIASES); // a "billion laughs" file stops here
        options.setNestingDepthLimit(MAX_NESTING);
        options.setAllowDuplicateKeys(false);
        return options;
    }

    private static boolean isEmpty(Node document) {
        return document == null || document instanceof ScalarNode scalar
                && (Tag.NULL.equals(scalar.getTag()) || scalar.getValue().isBlank());
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.strip().split("\n", 2)[0];
    }
}
