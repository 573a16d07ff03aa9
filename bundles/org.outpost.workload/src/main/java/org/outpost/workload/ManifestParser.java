package org.outpost.workload;

import java.io.StringReader;
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
    /** Manifests are short; anything longer is refused before it is parsed. */
    public static final int MAX_CHARACTERS = 1 << 20;
    private static final int MAX_ALIASES = 20;
    private static final int MAX_NESTING = 40;

    /**
     * @param yaml   the file's text
     * @param source what to call the file in problems ({@code thermo.yaml})
     * @throws ManifestException when anything in the file is wrong; nothing of it is returned
     */
    public List<Workload> parse(String yaml, String source) {
        Problems problems = new Problems(source);
        if (yaml.length() > MAX_CHARACTERS) {
            problems.add(0, "", "is " + yaml.length() + " characters long; manifests may have at most " + MAX_CHARACTERS);
            throw new ManifestException(problems.all());
        }
        List<Workload> workloads = new ArrayList<>();
        Map<String, Integer> firstLineOfName = new HashMap<>();
        WorkloadReader reader = new WorkloadReader(problems);
        try {
            for (Node document : new Yaml(loaderOptions()).composeAll(new StringReader(yaml))) {
                if (isEmpty(document)) {
                    continue;
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

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARACTERS * 2); // the length check above is the real limit
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
