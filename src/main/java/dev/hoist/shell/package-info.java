/**
 * The hoist shell: a JLine read loop that runs hoist's commands, evaluates Groovy in one session
 * binding, completes, keeps a history without secrets, and drives background jobs. One {@code Shell} per terminal.
 */
package dev.hoist.shell;
