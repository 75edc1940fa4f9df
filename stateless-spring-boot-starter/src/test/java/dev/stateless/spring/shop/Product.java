package dev.stateless.spring.shop;

/** A typed component value: JSON in Redis. */
public record Product(String name, long cents) {}
