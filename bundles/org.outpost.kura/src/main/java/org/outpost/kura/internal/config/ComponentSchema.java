package org.outpost.kura.internal.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * What a configurable component's properties may be, and how a snapshot shows them: a Metatype
 * description ({@link MetatypeSchema}) or, for devices and rules, their own parser
 * ({@link ParserSchema}). Maps given to and returned by a schema hold no framework keys.
 */
sealed interface ComponentSchema permits MetatypeSchema, ParserSchema {

    /** The Metatype description, or null for a component checked by its own parser. */
    ObjectClassDefinition definition();

    /** The pid Kura knows a factory configuration by. */
    String kuraPid(Map<String, Object> stored, String configurationPid);

    /** The properties as a snapshot shows them: typed, with Metatype's defaults, passwords masked. */
    Map<String, KuraProperty> export(Map<String, Object> stored);

    /**
     * The properties a configuration gets from {@code given}: replacing the ones the schema
     * describes ({@code replace}) or merged over them (a null value removes a key). Each property
     * that is not valid adds a problem {@code "<label>: <key>: <why>"} and is left out.
     */
    Map<String, Object> compose(Map<String, Object> current, Map<String, KuraProperty> given, boolean replace, String label,
            List<String> problems);

    /** Whether both property sets configure the component alike (e.g. {@code "5"} from a .cfg file and {@code 5}). */
    boolean sameEffect(Map<String, Object> before, Map<String, Object> after);

    /** Checks the properties as a whole before they are written, adding problems. */
    void checkComplete(Map<String, Object> properties, boolean creating, String pid, String label, List<String> problems);

    /**
     * The value for a password given as the placeholder: the current secret (null when there is
     * none, so the default applies); for arrays element by element.
     *
     * @throws IllegalArgumentException when an element asks to keep a secret that does not exist
     */
    static Object keepSecrets(KuraProperty given, Object current) {
        if (given.isSecretPlaceholder()) return current;
        if (!given.values().contains(KuraProperty.SECRET_PLACEHOLDER)) return given.toConfigValue();
        List<Object> currentElements = new ArrayList<>();
        if (current instanceof Object[] array) {
            currentElements.addAll(List.of(array));
        } else if (current instanceof Collection<?> collection) {
            currentElements.addAll(collection);
        }
        List<Object> resolved = new ArrayList<>();
        for (int i = 0; i < given.values().size(); i++) {
            Object value = given.values().get(i);
            if (KuraProperty.SECRET_PLACEHOLDER.equals(value)) {
                if (i >= currentElements.size() || !(currentElements.get(i) instanceof String)) {
                    throw new IllegalArgumentException("value " + i + " keeps the current password, but there is none at that place");
                }
                value = currentElements.get(i);
            }
            resolved.add(value);
        }
        return KuraProperty.array(given.type(), resolved).toConfigValue();
    }
}
