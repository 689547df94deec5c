package dev.hoist.shell;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.Script;
import groovy.transform.ThreadInterrupt;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.DeclarationExpression;
import org.codehaus.groovy.ast.expr.EmptyExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.ast.stmt.ExpressionStatement;
import org.codehaus.groovy.ast.stmt.Statement;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.ASTTransformationCustomizer;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.runtime.InvokerHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Groovy for one shell session: every line is compiled as a script over the one binding.
 * Top-level declarations ({@code def x = 1}, {@code String s = 'a'}) become binding variables, so
 * the next line sees them, as groovysh's interpreter mode does; a plain GroovyShell would keep them
 * local to the line. Loops and methods check the thread's interrupt flag (Ctrl-C stops
 * {@code while (true) {}}). Each line's classes are forgotten after it ran, so a long session does
 * not grow the class loader: what the binding still holds (a closure) keeps its class alive.
 */
final class GroovySession {

    /** What a line gave: its value, and whether it was only an assignment (then nothing is printed). */
    record Result(Object value, boolean assignment) {
    }

    private final Binding binding;
    private final Loader loader;
    /** The name of the class Groovy makes for a typed line, numbered after it: errors name it. */
    static final String LINE_CLASS = "hoist_line";

    private int lines;
    private boolean lastWasAssignment;

    GroovySession(Binding binding, Class<? extends Script> base) {
        this.binding = binding;
        var config = new CompilerConfiguration();
        if (base != null) {
            config.setScriptBaseClass(base.getName());
        }
        config.addCompilationCustomizers(new SessionDeclarations(), new ASTTransformationCustomizer(ThreadInterrupt.class));
        var parent = base != null ? base.getClassLoader() : GroovySession.class.getClassLoader();
        this.loader = new Loader(parent, config);
    }

    Binding binding() {
        return binding;
    }

    Result evaluate(String code) {
        return run(code, LINE_CLASS + (++lines) + ".groovy");
    }

    /** {@code load 'file.groovy'}: the script runs in the session, its top-level variables stay. */
    Object load(Path file) {
        String code;
        try {
            code = Files.readString(file);
        } catch (IOException e) {
            throw new dev.hoist.HoistException("cannot read " + file + ": " + e.getMessage(), dev.hoist.HoistException.Kind.INPUT);
        }
        // Its own class name, so a stack trace names the file; the counter keeps names apart.
        var name = file.getFileName().toString().replaceAll("[^A-Za-z0-9_]", "_") + "_" + (++lines) + ".groovy";
        return run(code, name).value();
    }

    /** Compiles a line and forgets it, running nothing: loads and warms up the compiler. */
    synchronized void compile(String code) {
        loader.forget(loader.parseClass(new GroovyCodeSource(code, "hoist_warm_up.groovy", "/groovy/shell"), false));
    }

    private synchronized Result run(String code, String name) {
        lastWasAssignment = false;
        Class<?> type = loader.parseClass(new GroovyCodeSource(code, name, "/groovy/shell"), false);
        boolean assignment = lastWasAssignment;
        try {
            Script script = InvokerHelper.createScript(type, binding);
            return new Result(script.run(), assignment);
        } finally {
            loader.forget(type);
        }
    }

    /** Names the binding holds, for completion. */
    List<String> variables() {
        var names = new ArrayList<String>();
        for (var key : binding.getVariables().keySet()) {
            names.add(String.valueOf(key));
        }
        return names;
    }

    /** Binds a closure under a name a line can call like a method. */
    void define(String name, Closure<?> closure) {
        binding.setVariable(name, closure);
    }

    /** A class loader that can drop the classes of a line that ran. */
    private static final class Loader extends GroovyClassLoader {
        Loader(ClassLoader parent, CompilerConfiguration config) {
            super(parent, config);
        }

        void forget(Class<?> script) {
            var prefix = script.getName();
            synchronized (classCache) {
                // The script and its closures ({name}$_run_closure1); classes it declared stay.
                for (var name : List.copyOf(classCache.keys())) {
                    if (name.equals(prefix) || name.startsWith(prefix + "$")) {
                        var type = classCache.get(name);
                        removeClassCacheEntry(name);
                        if (type != null) {
                            InvokerHelper.removeClass(type);
                        }
                    }
                }
            }
        }
    }

    /**
     * Turns the script's top-level declarations into assignments to the binding, so the value
     * outlives the line; declarations in closures, loops and methods stay local.
     */
    private final class SessionDeclarations extends CompilationCustomizer {
        SessionDeclarations() {
            super(CompilePhase.CONVERSION);
        }

        @Override
        public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
            if (!classNode.isScript()) {
                return;
            }
            var block = source.getAST().getStatementBlock();
            List<Statement> statements = block.getStatements();
            for (int i = 0; i < statements.size(); i++) {
                if (statements.get(i) instanceof ExpressionStatement es) {
                    if (es.getExpression() instanceof DeclarationExpression d && d.getLeftExpression() instanceof VariableExpression v) {
                        var value = d.getRightExpression() instanceof EmptyExpression ? ConstantExpression.NULL : d.getRightExpression();
                        var assign = new BinaryExpression(new VariableExpression(v.getName()), d.getOperation(), value);
                        assign.setSourcePosition(d);
                        var replaced = new ExpressionStatement(assign);
                        replaced.setSourcePosition(es);
                        statements.set(i, replaced);
                    }
                }
            }
            if (!statements.isEmpty() && statements.get(statements.size() - 1) instanceof ExpressionStatement last
                    && last.getExpression() instanceof BinaryExpression b && b.getOperation().getText().equals("=")) {
                lastWasAssignment = true;
            }
        }
    }
}
