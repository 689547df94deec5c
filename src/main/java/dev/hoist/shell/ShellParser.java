package dev.hoist.shell;

import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.impl.DefaultParser;

import java.util.function.Predicate;

/**
 * Splits a line the way its kind needs: a command line into words as a POSIX shell would (quotes,
 * backslashes), Groovy into words for completion only. Either asks for more input (the
 * continuation prompt) while a quote is open; Groovy also while a bracket is open, outside
 * comments, so a closure can span lines.
 */
final class ShellParser implements Parser {

    private final DefaultParser command = new DefaultParser().eofOnUnclosedQuote(true).eofOnEscapedNewLine(true);
    private final DefaultParser groovy = new DefaultParser()
            .eofOnUnclosedQuote(true)
            .eofOnEscapedNewLine(true)
            .eofOnUnclosedBracket(DefaultParser.Bracket.CURLY, DefaultParser.Bracket.ROUND, DefaultParser.Bracket.SQUARE)
            .lineCommentDelims(new String[]{"//"})
            .blockCommentDelims(new DefaultParser.BlockCommentDelims("/*", "*/"));
    private final Predicate<String> isCommand;

    /** @param isCommand whether a whole line is a command line (else it is Groovy) */
    ShellParser(Predicate<String> isCommand) {
        this.isCommand = isCommand;
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) throws SyntaxError {
        return (isCommand.test(line) ? command : groovy).parse(line, cursor, context);
    }

    @Override
    public boolean isEscapeChar(char ch) {
        return command.isEscapeChar(ch);
    }
}
