package dev.hoist.dsl;

import groovy.lang.Script;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ModuleNode;
import org.codehaus.groovy.ast.Parameter;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.runtime.DefaultGroovyMethods;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds misspelt words before a script runs, with their line and column: inside a block
 * ({@code registry}, {@code filter}, {@code plan}, {@code build}) every call must be a word of that
 * block, of the script, a method or variable the script (or a file it includes) defines, or one
 * Groovy gives every object; at the top level, a call that is none of these and close to a word.
 * Closures given to other calls ({@code where}, {@code rename}, {@code each}) are user code and
 * left to run.
 */
final class WordCheck {

    /** Methods every script and object has: println, each, with, sleep... */
    private static final Set<String> GROOVY = groovyNames();

    private final Set<String> extra;

    WordCheck(Set<String> extra) {
        this.extra = extra;
    }

    private static Set<String> groovyNames() {
        var out = new HashSet<String>();
        for (Method m : DefaultGroovyMethods.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() > 0 && m.getParameterTypes()[0] == Object.class) {
                out.add(m.getName());
            }
        }
        for (Method m : Script.class.getMethods()) {
            out.add(m.getName());
        }
        for (Method m : Object.class.getMethods()) {
            out.add(m.getName());
        }
        return Set.copyOf(out);
    }

    private static ModuleNode parse(String code, String name) {
        var unit = new CompilationUnit(new CompilerConfiguration());
        SourceUnit source = unit.addSource(name, code);
        try {
            unit.compile(Phases.CONVERSION);
        } catch (RuntimeException e) {
            // Syntax errors are reported by the compiler itself, with their positions.
            return null;
        }
        return source.getAST();
    }

    /** Methods and variables a script defines, for the files that include it. */
    static Set<String> definedNames(String code) {
        var module = parse(code, "included.groovy");
        if (module == null) {
            return Set.of();
        }
        var names = new HashSet<String>();
        collect(module, names);
        return names;
    }

    private static void collect(ModuleNode module, Set<String> names) {
        module.getMethods().forEach(m -> {
            names.add(m.getName());
            for (Parameter p : m.getParameters()) {
                names.add(p.getName());
            }
        });
        var visitor = new ClassCodeVisitorSupport() {
            @Override
            protected SourceUnit getSourceUnit() {
                return null;
            }

            @Override
            public void visitDeclarationExpression(DeclarationExpression e) {
                if (e.isMultipleAssignmentDeclaration()) {
                    e.getTupleExpression().getExpressions().forEach(x -> names.add(x.getText()));
                } else {
                    names.add(e.getVariableExpression().getName());
                }
                super.visitDeclarationExpression(e);
            }

            @Override
            public void visitBinaryExpression(BinaryExpression e) {
                if (e.getOperation().getText().equals("=") && e.getLeftExpression() instanceof VariableExpression v) {
                    names.add(v.getName());
                }
                super.visitBinaryExpression(e);
            }

            @Override
            public void visitClosureExpression(ClosureExpression e) {
                if (e.getParameters() != null) {
                    for (var p : e.getParameters()) {
                        names.add(p.getName());
                    }
                }
                super.visitClosureExpression(e);
            }
        };
        module.getStatementBlock().visit(visitor);
        module.getMethods().forEach(m -> {
            if (m.getCode() != null) {
                m.getCode().visit(visitor);
            }
        });
    }

    /** Problems as {@code LINE:COLUMN: message}. */
    List<String> check(String code, String name) {
        var module = parse(code, name);
        if (module == null) {
            return List.of();
        }
        var defined = new HashSet<>(extra);
        collect(module, defined);
        var problems = new ArrayList<String>();
        var contexts = new ArrayDeque<Set<String>>();
        var visitor = new Visitor(defined, problems, contexts);
        contexts.push(Words.SCRIPT);
        module.getStatementBlock().visit(visitor);
        module.getMethods().forEach(m -> {
            if (m.getCode() != null) {
                m.getCode().visit(visitor);
            }
        });
        return problems;
    }

    /** Walks calls, knowing which block's words apply; an empty set is user code, not checked. */
    private static final class Visitor extends ClassCodeVisitorSupport {

        private final Set<String> defined;
        private final List<String> problems;
        private final Deque<Set<String>> contexts;

        Visitor(Set<String> defined, List<String> problems, Deque<Set<String>> contexts) {
            this.defined = defined;
            this.problems = problems;
            this.contexts = contexts;
        }

        @Override
        protected SourceUnit getSourceUnit() {
            return null;
        }

        @Override
        public void visitMethodCallExpression(MethodCallExpression call) {
            var name = call.getMethodAsString();
            if (!call.isImplicitThis() || name == null) {
                call.getObjectExpression().visit(this);
                call.getMethod().visit(this);
                visitArguments(call.getArguments(), null);
                return;
            }
            var here = contexts.peek();
            if (here != null && !here.isEmpty()) {
                checkWord(name, call, here);
            }
            boolean word = here != null && (here.contains(name) || Words.SCRIPT.contains(name));
            visitArguments(call.getArguments(), word ? Words.BLOCKS.get(name) : null);
        }

        private void visitArguments(Expression args, Set<String> block) {
            var list = args instanceof TupleExpression t ? t.getExpressions() : List.of(args);
            for (var arg : list) {
                if (arg instanceof ClosureExpression closure) {
                    contexts.push(block != null ? block : Set.of());
                    closure.getCode().visit(this);
                    contexts.pop();
                } else {
                    arg.visit(this);
                }
            }
        }

        @Override
        public void visitClosureExpression(ClosureExpression closure) {
            // A closure kept in a variable or passed along is user code.
            contexts.push(Set.of());
            super.visitClosureExpression(closure);
            contexts.pop();
        }

        private void checkWord(String name, MethodCallExpression call, Set<String> here) {
            if (here.contains(name) || Words.SCRIPT.contains(name) || defined.contains(name) || GROOVY.contains(name)) {
                return;
            }
            var vocabulary = new HashSet<>(here);
            vocabulary.addAll(Words.SCRIPT);
            var best = Words.closest(name, vocabulary);
            boolean top = here == Words.SCRIPT;
            if (top && best == null) {
                // At the top level it may be a method the script gets at run time; only a near miss is surely a typo.
                return;
            }
            var node = call.getMethod().getLineNumber() > 0 ? call.getMethod() : call;
            var where = top ? "" : " in " + blockName(here);
            problems.add(node.getLineNumber() + ":" + node.getColumnNumber() + ": unknown word '" + name + "'" + where
                    + (best == null ? "" : "; did you mean '" + best + "'?"));
        }

        private static String blockName(Set<String> words) {
            if (words == Words.REGISTRY) {
                return "a registry";
            }
            if (words == Words.FILTER) {
                return "a filter";
            }
            if (words == Words.PLAN) {
                return "a plan";
            }
            return words == Words.BUILD ? "a build" : "the script";
        }
    }
}
