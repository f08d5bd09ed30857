package org.quipu.console;

import java.util.List;
import org.quipu.node.RateHistory;

/**
 * Rates as the console's charts (uPlot) want them: one array per column, times in epoch seconds,
 * rates in messages per second.
 */
public record RateSeries(int sampleSeconds, List<Long> t, List<Double> in, List<Double> out,
    List<Double> acked) {

  static RateSeries of(List<RateHistory.Rate> rates) {
    return new RateSeries(RateHistory.SAMPLE_SECONDS,
        rates.stream().map(r -> r.atMillis() / 1000).toList(),
        rates.stream().map(r -> round(r.published())).toList(),
        rates.stream().map(r -> round(r.delivered())).toList(),
        rates.stream().map(r -> round(r.acked())).toList());
  }

  static double round(double perSecond) {
    return Math.round(perSecond * 10) / 10.0;
  }
}
