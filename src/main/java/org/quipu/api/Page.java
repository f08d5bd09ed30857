package org.quipu.api;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;

/** A page of a list: {@code nextCursor} is null on the last page. */
@JsonbNillable
public record Page<T>(List<T> items, String nextCursor) {}
