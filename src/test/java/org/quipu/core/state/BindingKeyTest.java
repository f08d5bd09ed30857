package org.quipu.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindingKeyTest {

  @ParameterizedTest(name = "{0} vs ''{1}'' -> {2}")
  @CsvSource({
    "#, '', true",
    "#, a.b.c, true",
    "'', '', true",
    "'', a, false",
    "a.*, a.b, true",
    "a.*, a, false",
    "a.*, a.b.c, false",
    "a.#, a, true",
    "a.#, a.b.c, true",
    "#.c, a.b.c, true",
    "#.c, c, true",
    "#.c, a.b, false",
    "*.b.#, a.b, true",
    "*.b.#, b, false",
    "a.#.d, a.b.c.d, true",
    "a.#.d, a.d, true",
    "a.#.d, a.b.c, false",
    "#.#, a, true",
    "*, '', false",
    "stock.usd.nyse, stock.usd.nyse, true",
    "stock.usd.nyse, stock.eur.nyse, false"
  })
  void matches_followsAmqpTopicRules(String binding, String routing, boolean expected) {
    assertEquals(expected, BindingKey.matches(binding, routing));
  }

  @ParameterizedTest
  @CsvSource({"a.b, true", "'', true", "#, true", "a.*.#, true", "a..b, false", "a*, false",
      "a.#b, false", ".a, false"})
  void isValid_rejectsEmptyWordsAndMixedWildcards(String key, boolean expected) {
    assertEquals(expected, BindingKey.isValid(key));
  }
}
