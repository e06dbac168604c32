package io.uji.engine.graph;

/**
 * What a stateful node gets from its context at start: the state store and serializers.
 * (Filled in by the keyed-state work.)
 */
public interface StateBinding {}
