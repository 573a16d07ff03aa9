package org.outpost.shell.internal;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.osgi.framework.BundleContext;
import org.outpost.api.kura.PackageBundle;
import org.outpost.api.kura.PackageInfo;

@Command(scope = "edge", name = "dp-install", description = "Installs or updates a deployment package (.dp) through OSGi Deployment Admin.",
        detailedDescription = "FILE is a path on this node, URL a file:, http: or https: URL. A package with the name of an installed one"
                + " updates it (a fix-pack too), following Deployment Admin's rules. A package that is not valid (a missing header, a"
                + " corrupt JAR, a bundle whose imports nothing exports) is refused and the framework stays exactly as it was."
                + " Dropping a .dp into deploy/ does the same; deleting it uninstalls the package.")
@Service
public class DpInstallCommand extends EdgeAction {

    @Argument(index = 0, name = "FILE|URL", required = true, description = "The package: a path or a file:/http:/https: URL")
    @Completion(FileCompleter.class)
    String location;

    @Reference
    BundleContext bundleContext;

    @Override
    protected void run() {
        PackageInfo installed = KuraServices.packages(bundleContext).install(uri(location));
        out().println("Installed " + installed.name() + " " + installed.version() + " (" + installed.bundles().size() + " bundles)");
        for (PackageBundle bundle : installed.bundles()) {
            out().println("  " + bundle.symbolicName() + " " + bundle.version() + " " + bundle.state());
        }
    }

    static URI uri(String location) {
        if (location.matches("(?i)(file|https?):.*")) {
            return URI.create(location);
        }
        Path path = Path.of(location).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such file: " + path);
        }
        return path.toUri();
    }
}
