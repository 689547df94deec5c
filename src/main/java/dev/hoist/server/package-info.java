/**
 * {@code hoist serve --ssh}: an SSH server (Apache MINA SSHD) that runs hoist commands for the keys in an
 * authorized_keys file, with the host key, the users told apart by key, and the audit log of what they ran.
 */
package dev.hoist.server;
