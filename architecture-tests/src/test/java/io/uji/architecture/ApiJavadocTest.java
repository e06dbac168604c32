package io.uji.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
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
 * "missing" group, see the root pom). This test adds what javac cannot select on its own: the
 * comment is required, as doclint's "missing" group requires it, but the {@code @param} and
 * {@code @return} tags that group would also require are not.
 */
class ApiJavadocTest {
  private static final Path ROOT = ProjectPoms.root();

  @Test
  void everyPublicAndProtectedApiDeclarationHasAComment() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (Path dir : apiPackageDirs()) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(sources::add);
      }
    }
    assertTrue(!sources.isEmpty(), "no API sources found under " + ROOT);

    List<String> undocumented = new ArrayList<>();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics, List.of("-proc:none"), null,
          files.getJavaFileObjectsFromPaths(sources));
      DocTrees docs = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        new UndocumentedDeclarations(unit, docs, undocumented).scan(unit, null);
      }
    }
    assertTrue(diagnostics.getDiagnostics().isEmpty(), () -> "the API sources did not parse: " + diagnostics.getDiagnostics());
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

  private static boolean hasSources(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The source directory of each API package, in whichever module holds it. */
  private static List<Path> apiPackageDirs() {
    List<Path> dirs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String pkg : ProjectPoms.apiPackages()) {
      List<Path> found = new ArrayList<>();
      for (String module : ProjectPoms.modules()) {
        Path dir = ROOT.resolve(module).resolve("src/main/java").resolve(pkg.replace('.', '/'));
        if (hasSources(dir)) { // not just the parent of a sub-package (kafka-local's io/uji/kafka)
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
   * Collects the declarations that javadoc documents at the "protected" level (what doclint's
   * "missing" group reports as "no comment") and have no comment: public and protected types,
   * constructors, methods, fields and enum constants of types that are themselves visible,
   * members of interfaces being implicitly public; the default constructor of a visible class
   * (it is part of the API but cannot have a comment: declare it). A method marked
   * {@code @Override} takes its documentation from the method it overrides, as in javadoc.
   * Parsing is enough (no attribution: a record's implicit canonical constructor and a default
   * constructor are not in the trees yet), which costs a fraction of a compilation.
   */
  private static final class UndocumentedDeclarations extends TreePathScanner<Void, Void> {
    private final CompilationUnitTree unit;
    private final DocTrees docs;
    private final List<String> undocumented;
    private final Deque<ClassTree> enclosing = new ArrayDeque<>();

    UndocumentedDeclarations(CompilationUnitTree unit, DocTrees docs, List<String> undocumented) {
      this.unit = unit;
      this.docs = docs;
      this.undocumented = undocumented;
    }

    @Override
    public Void visitClass(ClassTree type, Void unused) {
      if (!visible(type.getModifiers())) {
        return null; // nothing inside a hidden type is API
      }
      require(type, type.getSimpleName().toString());
      boolean hasConstructor = type.getMembers().stream()
          .anyMatch(m -> m instanceof MethodTree method && method.getName().contentEquals("<init>"));
      if (type.getKind() == Tree.Kind.CLASS && !hasConstructor) {
        undocumented.add(where(type) + type.getSimpleName() + ": uses the default constructor, which has no comment");
      }
      enclosing.push(type);
      try {
        for (Tree member : type.getMembers()) {
          scan(member, null);
        }
      } finally {
        enclosing.pop();
      }
      return null;
    }

    @Override
    public Void visitMethod(MethodTree method, Void unused) {
      boolean overrides = method.getModifiers().getAnnotations().stream()
          .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
      if (visible(method.getModifiers()) && !overrides) {
        String name = method.getName().contentEquals("<init>")
            ? enclosing.peek().getSimpleName() + " constructor" : method.getName().toString();
        require(method, name);
      }
      return null; // not into the body: local and anonymous classes are not API
    }

    @Override
    public Void visitVariable(VariableTree field, Void unused) {
      if (visible(field.getModifiers())) {
        require(field, field.getName().toString());
      }
      return null;
    }

    @Override
    public Void visitBlock(BlockTree block, Void unused) {
      return null; // initializers
    }

    /** Public or protected, explicitly or as an interface member, inside types that are visible. */
    private boolean visible(ModifiersTree modifiers) {
      Set<Modifier> flags = modifiers.getFlags();
      if (flags.contains(Modifier.PRIVATE)) {
        return false;
      }
      ClassTree outer = enclosing.peek();
      boolean inInterface = outer != null
          && (outer.getKind() == Tree.Kind.INTERFACE || outer.getKind() == Tree.Kind.ANNOTATION_TYPE);
      boolean enumConstant = outer != null && outer.getKind() == Tree.Kind.ENUM && flags.isEmpty()
          && getCurrentPath().getLeaf() instanceof VariableTree v && v.getInitializer() instanceof NewClassTree;
      return flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED) || inInterface || enumConstant;
    }

    private void require(Tree declaration, String name) {
      if (docs.getDocCommentTree(getCurrentPath()) == null) {
        undocumented.add(where(declaration) + name);
      }
    }

    private String where(Tree declaration) {
      long line = unit.getLineMap().getLineNumber(docs.getSourcePositions().getStartPosition(unit, declaration));
      return ROOT.relativize(Path.of(unit.getSourceFile().toUri())) + ":" + line + ": ";
    }
  }
}
