package org.outpost.telemetry.internal;

import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;

/** A factory configuration PID (devices, rules) whose configurations come and go through Config Admin. */
abstract class ConfigFactory implements ManagedServiceFactory {
    private final String name;

    ConfigFactory(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return "Outpost " + name;
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        update(pid, properties);
    }

    abstract void update(String pid, Dictionary<String, ?> properties);

    static ServiceRegistration<?> register(BundleContext context, String factoryPid, ManagedServiceFactory factory) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_PID, factoryPid);
        return context.registerService(ManagedServiceFactory.class, factory, properties);
    }

    static Map<String, Object> toMap(Dictionary<String, ?> properties) {
        Map<String, Object> map = new HashMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            map.put(key, properties.get(key));
        }
        return map;
    }
}
