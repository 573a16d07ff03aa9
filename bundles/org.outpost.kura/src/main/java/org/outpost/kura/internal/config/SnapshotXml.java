package org.outpost.kura.internal.config;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Kura's snapshot XML: {@code esf:configurations}, one {@code esf:configuration pid=".."} per
 * component, its {@code esf:properties} with one {@code esf:property name array encrypted type}
 * each and one {@code esf:value} per value (none for an empty array). Factory configurations carry
 * {@code service.factoryPid} and {@code kura.service.pid} as properties, as Kura writes them.
 * Passwords are written as {@link KuraProperty#SECRET_PLACEHOLDER} with {@code encrypted="true"}.
 * Reading refuses DTDs and external entities.
 */
final class SnapshotXml {
    static final String ESF_NAMESPACE = "http://eurotech.com/esf/2.0";
    static final String OCD_NAMESPACE = "http://www.osgi.org/xmlns/metatype/v1.2.0";
    private static final String INDENT = "    ";

    private SnapshotXml() {
    }

    /** The components as a snapshot document, components and properties in a stable order. */
    static String write(List<KuraComponent> components) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("esf", "configurations", ESF_NAMESPACE);
            xml.writeNamespace("esf", ESF_NAMESPACE);
            xml.writeNamespace("ocd", OCD_NAMESPACE);
            for (KuraComponent component : components) {
                indent(xml, 1);
                xml.writeStartElement("esf", "configuration", ESF_NAMESPACE);
                xml.writeAttribute("pid", component.pid());
                indent(xml, 2);
                xml.writeStartElement("esf", "properties", ESF_NAMESPACE);
                Map<String, KuraProperty> properties = new KuraComponent(component.pid(), component.factoryPid(),
                        new TreeMap<>(component.properties())).propertiesWithIdentity();
                for (Map.Entry<String, KuraProperty> entry : properties.entrySet()) {
                    if (entry.getValue() != null) writeProperty(xml, entry.getKey(), entry.getValue());
                }
                indent(xml, 2);
                xml.writeEndElement();
                indent(xml, 1);
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write snapshot XML: " + e.getMessage(), e);
        }
        return text.toString();
    }

    private static void writeProperty(XMLStreamWriter xml, String name, KuraProperty property) throws XMLStreamException {
        boolean secret = property.type() == KuraType.PASSWORD;
        indent(xml, 3);
        xml.writeStartElement("esf", "property", ESF_NAMESPACE);
        xml.writeAttribute("name", name);
        xml.writeAttribute("array", String.valueOf(property.array()));
        xml.writeAttribute("encrypted", String.valueOf(secret));
        xml.writeAttribute("type", property.type().xmlName());
        List<String> texts = secret ? property.masked().texts() : property.texts();
        for (String value : texts) {
            indent(xml, 4);
            xml.writeStartElement("esf", "value", ESF_NAMESPACE);
            writeText(xml, value);
            xml.writeEndElement();
        }
        if (!texts.isEmpty()) indent(xml, 3);
        xml.writeEndElement();
    }

    private static void indent(XMLStreamWriter xml, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + INDENT.repeat(depth));
    }

    /** Text with carriage returns as character references: a parser would turn a literal one into a line feed. */
    private static void writeText(XMLStreamWriter xml, String value) throws XMLStreamException {
        int start = 0;
        for (int i = value.indexOf('\r'); i >= 0; i = value.indexOf('\r', start)) {
            xml.writeCharacters(value.substring(start, i));
            xml.writeEntityRef("#13");
            start = i + 1;
        }
        xml.writeCharacters(value.substring(start));
    }

    /**
     * Reads a snapshot document. Values that cannot be read become problems naming the component
     * and key (the property is left out); the document itself must be well-formed.
     *
     * @throws OutpostException {@code INVALID_ARGUMENT} for text that is not a snapshot document
     */
    static ParsedConfiguration read(String xml) {
        Document document = parse(xml);
        Element root = document.getDocumentElement();
        if (!is(root, "configurations")) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "not a Kura snapshot: the root element is " + describe(root)
                    + ", not esf:configurations (xmlns:esf=\"" + ESF_NAMESPACE + "\")");
        }
        List<KuraComponent> components = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int index = 0;
        for (Element configuration : children(root, "configuration")) {
            index++;
            String pid = configuration.getAttribute("pid").trim();
            if (pid.isEmpty()) {
                problems.add("configuration " + index + ": no pid");
                continue;
            }
            readComponent(pid, configuration, components, problems);
        }
        return new ParsedConfiguration(components, problems);
    }

    private static void readComponent(String pid, Element configuration, List<KuraComponent> components, List<String> problems) {
        Map<String, KuraProperty> properties = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        String factoryPid = null;
        String kuraPid = null;
        for (Element list : children(configuration, "properties")) {
            for (Element property : children(list, "property")) {
                String name = property.getAttribute("name");
                String where = pid + ": " + name;
                if (name.isEmpty()) {
                    problems.add(pid + ": a property without a name");
                    continue;
                }
                if (!names.add(name)) {
                    problems.add(where + ": appears twice");
                    continue;
                }
                KuraProperty value = readProperty(property, where, problems);
                if (value == null) continue;
                if (name.equals(KuraComponent.FACTORY_PID_KEY)) {
                    factoryPid = identity(value, where, problems);
                } else if (name.equals(KuraComponent.KURA_PID_KEY)) {
                    kuraPid = identity(value, where, problems);
                } else if (!PropertyMaps.isFrameworkKey(name)) {
                    properties.put(name, value);
                }
            }
        }
        if (kuraPid != null && !kuraPid.equals(pid)) {
            problems.add(pid + ": " + KuraComponent.KURA_PID_KEY + ": '" + kuraPid + "' differs from the configuration's pid");
        }
        components.add(new KuraComponent(pid, factoryPid, properties));
    }

    private static String identity(KuraProperty value, String where, List<String> problems) {
        if (value.array() || value.type() != KuraType.STRING || ((String) value.single()).isBlank()) {
            problems.add(where + ": must be a single non-empty String");
            return null;
        }
        return ((String) value.single()).trim();
    }

    private static KuraProperty readProperty(Element property, String where, List<String> problems) {
        String typeName = property.getAttribute("type");
        KuraType type = KuraType.fromXml(typeName);
        if (type == null) {
            problems.add(where + ": type '" + typeName + "' is not one of String, Integer, Long, Double, Float, Boolean, Char, "
                    + "Short, Byte, Password");
            return null;
        }
        Boolean array = flag(property, "array", where, problems);
        Boolean encrypted = flag(property, "encrypted", where, problems);
        if (array == null || encrypted == null) return null;
        List<String> texts = new ArrayList<>();
        for (Element value : children(property, "value")) texts.add(value.getTextContent());
        if (!array && texts.size() != 1) {
            problems.add(where + ": a single value needs exactly one esf:value, not " + texts.size());
            return null;
        }
        if (encrypted) {
            if (type != KuraType.PASSWORD) {
                problems.add(where + ": only Password values can be encrypted");
                return null;
            }
            for (String text : texts) {
                if (!text.equals(KuraProperty.SECRET_PLACEHOLDER)) {
                    problems.add(where + ": an encrypted password cannot be read here (Kura's key is not on this gateway); "
                            + "give it in clear with encrypted=\"false\", or as '" + KuraProperty.SECRET_PLACEHOLDER
                            + "' to keep the current one");
                    return null;
                }
            }
        }
        List<Object> values = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                values.add(type.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + (array ? "value " + i + ": " : "") + e.getMessage());
                return null;
            }
        }
        return array ? KuraProperty.array(type, values) : KuraProperty.single(type, values.get(0));
    }

    private static Boolean flag(Element property, String attribute, String where, List<String> problems) {
        String text = property.getAttribute(attribute).trim();
        if (text.isEmpty() || text.equals("false")) return Boolean.FALSE;
        if (text.equals("true")) return Boolean.TRUE;
        problems.add(where + ": " + attribute + "=\"" + text + "\" is not true or false");
        return null;
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilder builder = secureFactory().newDocumentBuilder();
            builder.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // not a reason to refuse a document
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not read");
            });
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "not a Kura snapshot: line " + e.getLineNumber() + ": "
                    + e.getMessage());
        } catch (SAXException | IOException e) {
            throw new OutpostException(ErrorCode.INVALID_ARGUMENT, "not a Kura snapshot: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be made safe: " + e.getMessage(), e);
        }
    }

    /** The JDK's own parser (not whatever a bundle brings), with DTDs, external entities and XInclude off. */
    private static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }

    private static boolean is(Element element, String localName) {
        return ESF_NAMESPACE.equals(element.getNamespaceURI()) && localName.equals(element.getLocalName());
    }

    private static String describe(Element element) {
        String namespace = element.getNamespaceURI();
        return element.getTagName() + (namespace == null ? "" : " (" + namespace + ")");
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && is(element, localName)) found.add(element);
        }
        return found;
    }
}
