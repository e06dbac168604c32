package io.uji.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * What the build declares, read from the poms of the source tree: the root pom's modules and
 * properties, each module's artifact id and properties, the BOM's managed artifacts. The root is
 * given by the {@code uji.rootDir} system property (set by this module's pom), else the parent of
 * the working directory (surefire runs in the module's directory).
 */
final class ProjectPoms {
  private ProjectPoms() {}

  static Path root() {
    String dir = System.getProperty("uji.rootDir");
    Path root = dir != null ? Path.of(dir) : Path.of("").toAbsolutePath().getParent();
    return root.toAbsolutePath().normalize();
  }

  /** The root pom's modules, as directory names. */
  static List<String> modules() {
    return texts(child(read(root().resolve("pom.xml")), "modules"), "module");
  }

  /** The root pom's {@code uji.api.packages}: the packages users program against. */
  static List<String> apiPackages() {
    String value = property(read(root().resolve("pom.xml")), "uji.api.packages");
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("the root pom has no uji.api.packages property");
    }
    return Arrays.stream(value.split(",")).map(String::trim).toList();
  }

  static String rootVersion() {
    return text(read(root().resolve("pom.xml")), "version");
  }

  /** One module's pom. */
  static Module module(String dir) {
    Element pom = read(root().resolve(dir).resolve("pom.xml"));
    String packaging = text(pom, "packaging");
    return new Module(dir, text(pom, "artifactId"), packaging == null ? "jar" : packaging,
        property(pom, "uji.module.name"), "true".equals(property(pom, "maven.deploy.skip")));
  }

  /** A module of the build as its pom declares it. */
  record Module(String dir, String artifactId, String packaging, String moduleName, boolean deploySkipped) {
    /** A jar users can depend on: what the BOM must list. */
    boolean published() {
      return packaging.equals("jar") && !deploySkipped;
    }
  }

  /** The BOM's managed dependencies, as "groupId:artifactId:version". */
  static List<String> bomEntries(String bomDir) {
    Element bom = read(root().resolve(bomDir).resolve("pom.xml"));
    List<String> entries = new ArrayList<>();
    for (Element dep : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
      entries.add(text(dep, "groupId") + ":" + text(dep, "artifactId") + ":" + text(dep, "version"));
    }
    return entries;
  }

  static String version(String dir) {
    return text(read(root().resolve(dir).resolve("pom.xml")), "version");
  }

  private static Element read(Path pom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(Files.newInputStream(pom));
      return doc.getDocumentElement();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pom, e);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("cannot parse " + pom, e);
    }
  }

  private static String property(Element pom, String name) {
    Element properties = child(pom, "properties");
    return properties == null ? null : text(properties, name);
  }

  private static Element child(Element parent, String name) {
    List<Element> found = parent == null ? List.of() : children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  /** The direct children with this name (not descendants: a dependency's version is not the project's). */
  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent != null) {
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals(name)) {
          found.add(e);
        }
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }

  private static List<String> texts(Element parent, String name) {
    return children(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
  }
}
