/** The seeds' examples as a runnable application: the README's main job. */
package dev.stateless.examples;
