package io.uji.examples;

import io.uji.streaming.DStream;
import io.uji.streaming.Durations;
import io.uji.streaming.GeneratorSpec;
import io.uji.streaming.Pair;
import io.uji.streaming.PairDStream;
import io.uji.streaming.StreamingContext;
import java.util.Arrays;

/**
 * Spark's classic streaming word count, ported to Uji: the same steps with the same names.
 *
 * <pre>
 * java -cp examples/target/uji-session-count.jar io.uji.examples.WordCount            # generated lines
 * java -cp examples/target/uji-session-count.jar io.uji.examples.WordCount localhost 9999   # nc -lk 9999
 * </pre>
 */
public final class WordCount {
  private static final String[] WORDS = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog"};

  private WordCount() {}

  /** Line {@code i} of the generated input: four words picked deterministically from {@link #WORDS}. */
  static String line(long i) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < 4; w++) {
      // Fibonacci hashing: the high bits of the product are well mixed, the low ones are not.
      long h = (i * 4 + w) * SessionCount.MUL;
      sb.append(w == 0 ? "" : " ").append(WORDS[(int) ((h >>> 32) % WORDS.length)]);
    }
    return sb.toString();
  }

  public static void main(String[] args) throws InterruptedException {
    StreamingContext ssc = new StreamingContext(Durations.seconds(1));
    DStream<String> lines = args.length >= 2
        ? ssc.socketTextStream(args[0], Integer.parseInt(args[1]))
        : ssc.generatorStream(GeneratorSpec.atRate(WordCount::line, 1_000));
    PairDStream<String, Integer> wordCounts = wordCounts(lines);
    wordCounts.print();
    ssc.start();
    ssc.awaitTermination();
  }

  /** The pipeline: each batch's words (split on spaces) with how often each occurs in the batch. */
  static PairDStream<String, Integer> wordCounts(DStream<String> lines) {
    DStream<String> words = lines.flatMap(line -> Arrays.asList(line.split(" ")).iterator());
    PairDStream<String, Integer> pairs = words.mapToPair(word -> Pair.of(word, 1));
    return pairs.reduceByKey(Integer::sum);
  }
}
