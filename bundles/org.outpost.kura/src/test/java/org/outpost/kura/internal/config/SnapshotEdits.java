package org.outpost.kura.internal.config;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Edits snapshot XML the way a person or a tool would, with the JDK's DOM (not the code under
 * test): set, add or remove properties, copy a component under another pid, and read a
 * component's properties as {@code name -> [type, array, values...]}.
 */
final class SnapshotEdits {
    private static final String ESF = SnapshotXml.ESF_NAMESPACE;
    private final Document document;

    private SnapshotEdits(Document document) {
        this.document = document;
    }

    static SnapshotEdits of(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        return new SnapshotEdits(factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))));
    }

    /** {@code name -> [type, array, value...]} of one component, or null when it is not there. */
    static Map<String, List<String>> properties(String xml, String pid) throws Exception {
        Element configuration = of(xml).configuration(pid);
        if (configuration == null) return null;
        Map<String, List<String>> properties = new LinkedHashMap<>();
        for (Element property : elements(configuration, "property")) {
            List<String> description = new ArrayList<>();
            description.add(property.getAttribute("type"));
            description.add(property.getAttribute("array"));
            for (Element value : elements(property, "value")) description.add(value.getTextContent());
            properties.put(property.getAttribute("name"), description);
        }
        return properties;
    }

    /** Sets (or adds) a property; a single value when {@code array} is false. */
    SnapshotEdits set(String pid, String name, String type, boolean array, String... values) {
        Element configuration = required(pid);
        Element property = property(configuration, name);
        if (property == null) {
            property = document.createElementNS(ESF, "esf:property");
            elements(configuration, "properties").get(0).appendChild(property);
        }
        while (property.getFirstChild() != null) property.removeChild(property.getFirstChild());
        property.setAttribute("name", name);
        property.setAttribute("array", String.valueOf(array));
        property.setAttribute("encrypted", "false");
        property.setAttribute("type", type);
        for (String value : values) {
            Element element = document.createElementNS(ESF, "esf:value");
            element.setTextContent(value);
            property.appendChild(element);
        }
        return this;
    }

    SnapshotEdits remove(String pid, String name) {
        Element property = property(required(pid), name);
        if (property == null) throw new IllegalArgumentException(pid + " has no property " + name);
        property.getParentNode().removeChild(property);
        return this;
    }

    /** Adds a copy of component {@code pid} as {@code newPid} (its {@code kura.service.pid} too, when it has one). */
    SnapshotEdits copy(String pid, String newPid) {
        Element copy = (Element) required(pid).cloneNode(true);
        copy.setAttribute("pid", newPid);
        document.getDocumentElement().appendChild(copy);
        if (property(copy, KuraComponent.KURA_PID_KEY) != null) set(newPid, KuraComponent.KURA_PID_KEY, "String", false, newPid);
        return this;
    }

    /** Adds an empty component. */
    SnapshotEdits add(String pid) {
        Element configuration = document.createElementNS(ESF, "esf:configuration");
        configuration.setAttribute("pid", pid);
        configuration.appendChild(document.createElementNS(ESF, "esf:properties"));
        document.getDocumentElement().appendChild(configuration);
        return this;
    }

    String toXml() throws Exception {
        StringWriter out = new StringWriter();
        var transformer = TransformerFactory.newDefaultInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.transform(new DOMSource(document), new StreamResult(out));
        return out.toString();
    }

    private Element required(String pid) {
        Element configuration = configuration(pid);
        if (configuration == null) throw new IllegalArgumentException("no component " + pid + " in the snapshot");
        return configuration;
    }

    private Element configuration(String pid) {
        for (Element configuration : elements(document.getDocumentElement(), "configuration")) {
            if (configuration.getAttribute("pid").equals(pid)) return configuration;
        }
        return null;
    }

    private static Element property(Element configuration, String name) {
        for (Element property : elements(configuration, "property")) {
            if (property.getAttribute("name").equals(name)) return property;
        }
        return null;
    }

    private static List<Element> elements(Element parent, String localName) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagNameNS(ESF, localName);
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element) found.add(element);
        }
        return found;
    }
}
