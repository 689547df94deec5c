/**
 * The command line (picocli): builds plans, runs them on the engine, prints, and picks exit codes.
 * The only package that writes to the terminal.
 */
package dev.hoist.cli;
