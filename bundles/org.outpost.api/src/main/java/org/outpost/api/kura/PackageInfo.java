package org.outpost.api.kura;

import java.util.List;

/** An installed deployment package and the bundles it brought. */
public record PackageInfo(String name, String version, List<PackageBundle> bundles) {
    public PackageInfo {
        bundles = List.copyOf(bundles);
    }
}
