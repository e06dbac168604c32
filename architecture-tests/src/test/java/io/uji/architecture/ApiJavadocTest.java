package io.uji.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every public and protected declaration of the API packages (the root pom's
 * {@code uji.api.packages}) has a javadoc comment, and every API package has a documented
 * {@code package-info.java}.
 *
 * <p>The compiler already fails on a malformed comment in those packages (doclint without its
 * "missing" group, see the root pom); this test adds the part javac cannot select on its own: it
 * runs the same doclint with the "missing" group and keeps only its "no comment" findings
 * (a declaration without a comment, or a public class relying on the default constructor), not
 * the missing {@code @param}/{@code @return} tags, which are not required.
 */
class ApiJavadocTest {
  private static final Path ROOT = ProjectPoms.root();

  @Test
  void everyPublicAndProtectedApiDeclarationHasAComment() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (Path dir : apiPackageDirs()) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
      }
    }
    assertTrue(!sources.isEmpty(), "no API sources found under " + ROOT);

    List<String> undocumented = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : doclint(sources)) {
      String message = d.getMessage(Locale.ROOT);
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(where(d) + message);
      } else if (message.equals("no comment") || message.startsWith("use of default constructor")) {
        undocumented.add(where(d) + message);
      }
    }
    assertTrue(errors.isEmpty(),
        () -> "the API sources did not compile against the module jars:\n" + String.join("\n", errors));
    assertTrue(undocumented.isEmpty(), () -> undocumented.size()
        + " public or protected API declarations have no javadoc comment:\n" + String.join("\n", undocumented));
  }

  @Test
  void everyApiPackageHasADocumentedPackageInfo() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path dir : apiPackageDirs()) {
      Path info = dir.resolve("package-info.java");
      if (!Files.exists(info) || !Files.readString(info).contains("/**")) {
        missing.add(ROOT.relativize(info).toString());
      }
    }
    assertEquals(List.of(), missing, "API packages without a package overview");
  }

  /** The source directory of each API package, in whichever module holds it. */
  private static List<Path> apiPackageDirs() {
    List<Path> dirs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String pkg : ProjectPoms.apiPackages()) {
      List<Path> found = new ArrayList<>();
      for (String module : ProjectPoms.modules()) {
        Path dir = ROOT.resolve(module).resolve("src/main/java").resolve(pkg.replace('.', '/'));
        if (Files.isDirectory(dir)) {
          found.add(dir);
        }
      }
      if (found.isEmpty()) {
        missing.add(pkg);
      }
      dirs.addAll(found);
    }
    assertEquals(List.of(), missing, "uji.api.packages names packages that no module has");
    return dirs;
  }

  /**
   * Runs javac's doclint on the given sources (analysis only, no class files), against this
   * test's classpath, which holds every module's jar.
   */
  private static List<Diagnostic<? extends JavaFileObject>> doclint(List<Path> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      List<String> options = List.of(
          "-proc:none",
          "-Xmaxwarns", "100000",
          "-classpath", System.getProperty("java.class.path"),
          "-Xdoclint:all/protected",
          "-Xdoclint/package:" + String.join(",", ProjectPoms.apiPackages()));
      JavacTask task = (JavacTask) javac.getTask(
          null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources));
      task.analyze();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return diagnostics.getDiagnostics();
  }

  private static String where(Diagnostic<? extends JavaFileObject> d) {
    String file = d.getSource() == null ? "?" : ROOT.relativize(Path.of(d.getSource().toUri())).toString();
    return file + ":" + d.getLineNumber() + ": ";
  }
}
