package org.outpost.runtime.bundle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.nio.file.Path;

import org.apache.karaf.features.FeaturesService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

class FeaturesServiceSlotTest {

    @TempDir
    Path dir;

    private TestFramework osgi;
    private int held;
    private ServiceReference<?> reference;

    @BeforeEach
    void register() throws Exception {
        osgi = new TestFramework(dir.resolve("felix"));
        FeaturesService karaf = (FeaturesService) Proxy.newProxyInstance(FeaturesService.class.getClassLoader(),
                new Class<?>[] {FeaturesService.class}, (proxy, method, args) -> null);
        ServiceRegistration<?> registration = osgi.context().registerService(FeaturesService.class.getName(),
                new ServiceFactory<Object>() {
                    @Override
                    public Object getService(Bundle bundle, ServiceRegistration<Object> registration) {
                        held++;
                        return karaf;
                    }

                    @Override
                    public void ungetService(Bundle bundle, ServiceRegistration<Object> registration, Object service) {
                        held--;
                    }
                }, null);
        reference = registration.getReference();
    }

    @AfterEach
    void stopFramework() throws Exception {
        osgi.close();
    }

    @Test
    void theServiceIsGotOnFirstUseOnceOpenAndUngotWhenItsReferenceGoes() {
        FeaturesServiceSlot slot = new FeaturesServiceSlot();
        slot.bind(reference);
        assertNull(slot.get(), "bound before the runtime was activated");
        assertEquals(0, held);

        slot.open(osgi.context());
        Features features = slot.get();

        assertNotNull(features);
        assertSame(features, slot.get());
        assertEquals(1, held);

        slot.unbind(reference);

        assertEquals(0, held);
        assertNull(slot.get());
    }

    @Test
    void closingLetsGoOfTheService() {
        FeaturesServiceSlot slot = new FeaturesServiceSlot();
        slot.open(osgi.context());
        assertNull(slot.get(), "nothing bound");
        slot.bind(reference);
        assertNotNull(slot.get());

        slot.close();

        assertEquals(0, held);
    }
}
