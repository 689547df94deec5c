package dev.hoist.dsl;

import org.codehaus.groovy.ast.ClassCodeExpressionTransformer;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.BitwiseNegationExpression;
import org.codehaus.groovy.ast.expr.ClosureExpression;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.ListExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;

import java.util.Set;

/**
 * {@code repository /^demo\/.+/} and {@code tag /^v\d+/}: Groovy reads a slashy string as a plain
 * String, so the words would take it for a glob and silently match nothing. Only where the source
 * text of an argument of these words starts with '/' is the string made the regular expression
 * ({@code ~/.../}) its author wrote; every other slashy string stays a string.
 */
final class SlashyPatterns extends CompilationCustomizer {

    private static final Set<String> WORDS = Set.of("repository", "tag");

    SlashyPatterns() {
        super(CompilePhase.CONVERSION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        new ClassCodeExpressionTransformer() {
            @Override
            protected SourceUnit getSourceUnit() {
                return source;
            }

            @Override
            public Expression transform(Expression e) {
                if (e instanceof ClosureExpression closure) {
                    // A closure's body is not an expression the transformer descends into on its own.
                    closure.getCode().visit(this);
                    return closure;
                }
                if (e instanceof MethodCallExpression call && WORDS.contains(call.getMethodAsString())
                        && call.getArguments() instanceof ArgumentListExpression args) {
                    var out = new ArgumentListExpression();
                    for (var arg : args.getExpressions()) {
                        out.addExpression(pattern(arg));
                    }
                    out.setSourcePosition(args);
                    var copy = new MethodCallExpression(transform(call.getObjectExpression()), call.getMethod(), out);
                    copy.setSourcePosition(call);
                    copy.setImplicitThis(call.isImplicitThis());
                    copy.setSafe(call.isSafe());
                    copy.setSpreadSafe(call.isSpreadSafe());
                    return copy;
                }
                return super.transform(e);
            }

            private Expression pattern(Expression arg) {
                if (arg instanceof ListExpression list) {
                    var out = new ListExpression();
                    list.getExpressions().forEach(x -> out.addExpression(pattern(x)));
                    out.setSourcePosition(list);
                    return out;
                }
                if (arg instanceof ConstantExpression c && c.getValue() instanceof String && slashy(c)) {
                    var p = new BitwiseNegationExpression(c);
                    p.setSourcePosition(c);
                    return p;
                }
                return transform(arg);
            }

            private boolean slashy(ConstantExpression c) {
                if (c.getLineNumber() < 1 || c.getColumnNumber() < 1) {
                    return false;
                }
                var line = source.getSource().getLine(c.getLineNumber(), null);
                return line != null && c.getColumnNumber() <= line.length() && line.charAt(c.getColumnNumber() - 1) == '/';
            }
        }.visitClass(classNode);
    }
}
