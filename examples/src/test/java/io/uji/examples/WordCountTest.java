package io.uji.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class WordCountTest {
  @Test
  void shouldGenerateTheSameFourWordLineForTheSameNumber() {
    assertEquals(WordCount.line(42), WordCount.line(42));
    assertEquals(4, WordCount.line(7).split(" ").length);
    Set<String> vocabulary = Set.of("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog");
    for (String w : WordCount.line(123_456).split(" ")) {
      assertEquals(true, vocabulary.contains(w), w);
    }
  }
}
