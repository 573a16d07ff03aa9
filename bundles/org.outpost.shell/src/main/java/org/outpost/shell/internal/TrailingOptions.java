package org.outpost.shell.internal;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Option;

/**
 * Karaf reads options only before the first argument, but commands are documented (and used in
 * scripts) as {@code edge:node NAME -o json} and {@code edge:token create --ttl 1h}. Commands
 * collect the words after their first argument, and this assigns the options among them to the
 * command's own {@link Option} fields, returning the remaining positional words.
 */
final class TrailingOptions {
    private TrailingOptions() {
    }

    static List<String> apply(Object command, List<String> words) {
        List<String> positional = new ArrayList<>();
        if (words == null) {
            return positional;
        }
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String name = word;
            String inlineValue = null;
            int eq = word.indexOf('=');
            if (word.startsWith("--") && eq > 0) {
                name = word.substring(0, eq);
                inlineValue = word.substring(eq + 1);
            }
            Field field = word.startsWith("-") ? optionField(command.getClass(), name) : null;
            if (field == null) {
                if (word.startsWith("-") && word.length() > 1 && !word.matches("-\\d.*")) {
                    throw new IllegalArgumentException("unknown option " + word);
                }
                positional.add(word);
                continue;
            }
            try {
                field.setAccessible(true);
                if (field.getType() == boolean.class || field.getType() == Boolean.class) {
                    field.set(command, true);
                } else {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= words.size()) {
                            throw new IllegalArgumentException("option " + word + " needs a value");
                        }
                        value = words.get(++i);
                    }
                    if (List.class.isAssignableFrom(field.getType())) {
                        // multi-valued options (--channel, --set) collect every occurrence
                        @SuppressWarnings("unchecked")
                        List<String> values = (List<String>) field.get(command);
                        if (values == null) {
                            values = new ArrayList<>();
                            field.set(command, values);
                        }
                        values.add(value);
                    } else if (field.getType() == Integer.class || field.getType() == int.class) {
                        try {
                            field.set(command, Integer.valueOf(value.trim()));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("option " + word + " needs a whole number, got '" + value + "'");
                        }
                    } else {
                        field.set(command, value);
                    }
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return positional;
    }

    private static Field optionField(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                Option option = field.getAnnotation(Option.class);
                if (option == null) {
                    continue;
                }
                if (option.name().equals(name) || List.of(option.aliases()).contains(name)) {
                    return field;
                }
            }
        }
        return null;
    }
}
