/**
 * The edge node: a Redis-protocol (RESP2 and RESP3) server that any Redis client reaches. {@link
 * dev.stateless.edge.EdgeNode} runs it, from the command line ({@code java -jar
 * stateless-edge.jar}) or inside a JVM ({@code EdgeNode.builder().port(0).start()}).
 */
@NullMarked
package dev.stateless.edge;

import org.jspecify.annotations.NullMarked;
