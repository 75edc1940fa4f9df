/**
 * Internal: may change without notice. The edge node's server: the RESP request decoder and reply
 * encoder, the per-connection handler (pipelining, back-pressure, limits), the command table and
 * the connection and server commands. Not part of the API; no compatibility is kept.
 */
@NullMarked
package dev.stateless.edge.internal;

import org.jspecify.annotations.NullMarked;
