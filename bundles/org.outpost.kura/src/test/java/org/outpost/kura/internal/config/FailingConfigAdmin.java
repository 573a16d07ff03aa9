package org.outpost.kura.internal.config;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The framework's real Config Admin, except that one write ({@code Configuration.update} or
 * {@code delete}) fails with an {@link IOException}, as a full disk would make it: to see an import
 * or a rollback undo itself.
 */
final class FailingConfigAdmin {

    private FailingConfigAdmin() {
    }

    /** Config Admin whose {@code n}-th configuration write (counting from 1) fails. */
    static ConfigurationAdmin failingWrite(ConfigurationAdmin real, int n) {
        AtomicInteger writes = new AtomicInteger();
        return (ConfigurationAdmin) Proxy.newProxyInstance(FailingConfigAdmin.class.getClassLoader(),
                new Class<?>[] { ConfigurationAdmin.class }, (proxy, method, args) -> wrap(invoke(real, method, args), writes, n));
    }

    private static Object wrap(Object result, AtomicInteger writes, int n) {
        if (result instanceof Configuration configuration) return configuration(configuration, writes, n);
        if (result instanceof Configuration[] configurations) {
            Configuration[] wrapped = new Configuration[configurations.length];
            for (int i = 0; i < configurations.length; i++) wrapped[i] = configuration(configurations[i], writes, n);
            return wrapped;
        }
        return result;
    }

    private static Configuration configuration(Configuration real, AtomicInteger writes, int n) {
        InvocationHandler handler = (proxy, method, args) -> {
            boolean write = method.getName().equals("update") && args != null && args.length == 1
                    || method.getName().equals("delete");
            if (write && writes.incrementAndGet() == n) {
                throw new IOException("no space left on device (simulated)");
            }
            return invoke(real, method, args);
        };
        return (Configuration) Proxy.newProxyInstance(FailingConfigAdmin.class.getClassLoader(), new Class<?>[] { Configuration.class },
                handler);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
