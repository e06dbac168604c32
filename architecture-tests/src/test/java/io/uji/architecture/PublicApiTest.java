package io.uji.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The public API is {@code io.uji.streaming} and nothing else: no public or protected member of
 * a public type there names, in its signature (parameter, return, field, thrown exception, type
 * bound), its superclass or its interfaces, a type from outside {@code io.uji.streaming} and
 * {@code java.*}. What the engine needs of the API types goes through {@code SharedSecrets}.
 */
@AnalyzeClasses(packages = "io.uji.streaming", importOptions = ImportOption.DoNotIncludeTests.class)
class PublicApiTest {
  static final String API = "io.uji.streaming";

  @ArchTest
  static final ArchRule apiExposesOnlyApiAndJdkTypes = classes()
      .that().resideInAPackage(API).and(visibleOutsideThePackage())
      .should(exposeOnlyApiAndJdkTypes())
      .because("users import io.uji.streaming only; any other type named there becomes API by accident");

  /** Public, and so are all the classes it is nested in. */
  private static DescribedPredicate<JavaClass> visibleOutsideThePackage() {
    return DescribedPredicate.describe("are visible outside their package", c -> {
      for (JavaClass t = c; t != null; t = t.getEnclosingClass().orElse(null)) {
        if (!t.getModifiers().contains(JavaModifier.PUBLIC)) {
          return false;
        }
      }
      return !c.isAnonymousClass() && !c.isLocalClass();
    });
  }

  private static ArchCondition<JavaClass> exposeOnlyApiAndJdkTypes() {
    return new ArchCondition<>("expose only io.uji.streaming and java.* types") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> leaks = new ArrayList<>();
        c.getSuperclass().ifPresent(t -> collect(t, "superclass", leaks));
        c.getInterfaces().forEach(t -> collect(t, "interface", leaks));
        c.getTypeParameters().forEach(t -> collect(t, "type parameter " + t.getName(), leaks));
        for (JavaField f : c.getFields()) {
          if (isExported(f.getModifiers())) {
            collect(f.getType(), "field " + f.getName(), leaks);
          }
        }
        for (JavaCodeUnit m : c.getCodeUnits()) {
          if (!isExported(m.getModifiers())) {
            continue;
          }
          String where = m.getName() + "(...)";
          collect(m.getReturnType(), where + " return", leaks);
          m.getParameterTypes().forEach(t -> collect(t, where + " parameter", leaks));
          m.getThrowsClause().getTypes().forEach(t -> collect(t, where + " throws", leaks));
          m.getTypeParameters().forEach(t -> collect(t, where + " type parameter " + t.getName(), leaks));
        }
        for (String leak : leaks) {
          events.add(SimpleConditionEvent.violated(c, c.getName() + " exposes " + leak));
        }
      }
    };
  }

  /** Public or protected, and written by hand (bridge methods and lambdas are the compiler's). */
  private static boolean isExported(Set<JavaModifier> modifiers) {
    return (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED))
        && !modifiers.contains(JavaModifier.SYNTHETIC) && !modifiers.contains(JavaModifier.BRIDGE);
  }

  private static void collect(JavaType type, String where, Collection<String> leaks) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
      if (!base.isPrimitive() && !base.getPackageName().equals(API) && !base.getPackageName().startsWith("java.")) {
        leaks.add(base.getName() + " (" + where + ")");
      }
    }
  }
}
