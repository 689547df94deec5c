/**
 * The Groovy language of hoist: a script base class with the words (registry, filter, plan, push...)
 * and a session holding what a script defined; plans are built with the engine's PlanBuilder.
 */
package dev.hoist.dsl;
