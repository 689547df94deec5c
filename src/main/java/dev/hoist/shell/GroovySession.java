package dev.hoist.shell;

import groovy.lang.Binding;
import groovy.lang.Closure;
import dev.hoist.dsl.HoistSession;
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
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.ASTTransformationCustomizer;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Groovy for one shell session: the DSL's {@link HoistSession}, every line evaluated in its one
 * binding, so registries, filters and plans defined over several lines add up. Top-level
 * declarations ({@code def x = 1}, {@code String s = 'a'}) become binding variables, so the next
 * line sees them, as groovysh's interpreter mode does; a plain script would keep them local to the
 * line. Loops and methods check the thread's interrupt flag (Ctrl-C stops {@code while (true) {}}).
 */
final class GroovySession {

    /** What a line gave: its value, and whether it was only an assignment (then nothing is printed). */
    record Result(Object value, boolean assignment) {
    }

    /** The file name lines are evaluated as: relative paths and include start from the working directory. */
    static final String LINE_FILE = "<shell>";
    /** The prefix of the classes the DSL makes for a typed line: errors about them are about the line. */
    static final String LINE_CLASS = "hoist__shell_";

    private final HoistSession session;
    private final Path cwd;
    private boolean lastWasAssignment;

    GroovySession(HoistSession session, Path cwd) {
        this.session = session;
        this.cwd = cwd;
        session.customize(new SessionDeclarations(), new ASTTransformationCustomizer(ThreadInterrupt.class));
    }

    HoistSession session() {
        return session;
    }

    Binding binding() {
        return session.binding();
    }

    synchronized Result evaluate(String code) {
        lastWasAssignment = false;
        var value = session.evaluate(code, cwd.resolve(LINE_FILE));
        return new Result(value, lastWasAssignment);
    }

    /** {@code load 'file.groovy'}: the script runs in the session, its definitions and top-level variables stay. */
    synchronized Object load(Path file) {
        return session.evaluate(cwd.resolve(file));
    }

    /** Compiles and runs an empty line: loads and warms up the compiler. */
    synchronized void compile(String code) {
        new groovy.lang.GroovyShell().parse(code);
    }

    /** Names the binding holds, for completion. */
    List<String> variables() {
        var names = new ArrayList<String>();
        for (var key : session.binding().getVariables().keySet()) {
            names.add(String.valueOf(key));
        }
        return names;
    }

    /** Names of the registries, filters and plans defined so far, for completion. */
    List<String> definitions() {
        var names = new ArrayList<String>();
        names.addAll(session.registries().keySet());
        names.addAll(session.filters().keySet());
        names.addAll(session.plans().keySet());
        return names;
    }

    /** Binds a closure under a name a line can call like a method. */
    void define(String name, Closure<?> closure) {
        session.binding().setVariable(name, closure);
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
