package org.outpost.kura.internal.deploy;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.outpost.api.LocalNode;
import org.outpost.api.kura.DeploymentPackages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets Karaf's {@code deploy/} folder take {@code .dp} files. The folder is Felix FileInstall,
 * which hands files it does not know to {@code ArtifactInstaller} services; where FileInstall is
 * absent (a plain OSGi framework) this does nothing.
 */
@Component(immediate = true)
public class DeployFolderComponent {
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderComponent.class);
    private static final String ARTIFACT_INSTALLER = "org.apache.felix.fileinstall.ArtifactInstaller";

    @Reference
    private DeploymentPackages packages;

    @Reference
    private LocalNode node;

    private ServiceRegistration<?> registration;

    @Activate
    void activate(BundleContext context) {
        try {
            getClass().getClassLoader().loadClass(ARTIFACT_INSTALLER);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            LOG.debug("no Felix FileInstall here: .dp files are installed with edge:dp-install or REST only");
            return;
        }
        registration = context.registerService(ARTIFACT_INSTALLER,
                new DeploymentPackageArtifacts(packages, node.dataDir().resolve("kura").resolve("deploy-folder.properties")), null);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }
}
