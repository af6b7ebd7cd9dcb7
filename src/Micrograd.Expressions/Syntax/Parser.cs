using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Sprache;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The formula grammar (see docs/language.md for the EBNF). One parser per precedence level, loosest last.
/// Every repetition is a loop (<c>Repeat</c>), never recursion, so a million-term sum parses in constant
/// stack; only parentheses and calls recurse, and <see cref="Limits"/> bounds their depth before parsing.
/// </summary>
internal static partial class Parser
{
    private static readonly string[] NumberExpected = ["a number"];

    // name = (letter | "_") { letter | digit | "_" }
    private static readonly Parser<string> Identifier = Lexeme(Tokens.ScanIdentifier, "a name");

    private static readonly Parser<string> Name = input =>
    {
        var identifier = Identifier(input);
        return identifier.WasSuccessful && Tokens.IsKeyword(identifier.Value)
            ? Result.Failure<string>(input, "expected a name", NameExpected)
            : identifier;
    };

    private static readonly string[] NameExpected = ["a name"];

    // binder = name, not a keyword and not a built-in function (constants may be shadowed)
    private static readonly Parser<string> Binder =
        Map(Sequence(Here, Name, (position, name) => (position, name)), (state, b) => CheckBindable(state, b.name, b.position));

    // number = digits ["." [digits]] [exponent] | "." digits [exponent]
    private static readonly Parser<Expr> Number =
        Map(NumberToken, v => (Expr)new Number(v));

    // arguments = "(" [sum {"," sum}] ")"         (one level deeper)
    private static readonly Parser<IEnumerable<Expr>> Arguments =
        from open in SameLine(Symbol("("))
        from args in Nested(Later(() => Sum!).DelimitedBy(Symbol(","))).Optional()
        from close in Symbol(")")
        select args.GetOrElse([]);

    // reference = name [arguments]
    private static readonly Parser<Expr> Reference = input =>
    {
        var position = new Position(input.Position, input.Line, input.Column);
        var name = Name(input);
        if (!name.WasSuccessful)
        {
            return Result.Failure<Expr>(name.Remainder, name.Message, name.Expectations);
        }

        // arguments only where a "(" follows; a failure that read nothing (a new line ending a binding) is none
        var rest = name.Remainder;
        if (!rest.AtEnd && rest.Current == '(')
        {
            var args = Arguments(rest);
            if (args.WasSuccessful)
            {
                return Result.Success(Resolve(State(input), name.Value, args.Value, position), args.Remainder);
            }

            if (!args.Remainder.Equals(rest))
            {
                return Result.Failure<Expr>(args.Remainder, args.Message, args.Expectations);
            }
        }

        return Result.Success(Resolve(State(input), name.Value, null, position), rest);
    };

    // "(" block ")"                              (one level deeper)
    private static readonly Parser<Expr> Parenthesized =
        from open in Symbol("(")
        from inner in Nested(Later(() => Block!))
        from close in Symbol(")")
        select inner;

    private static readonly string[] AtomExpected = ["a number", "a name", "\"(\""];

    // atom = number | reference | "(" block ")"  (the next character picks the alternative, so an operand costs
    //                                            no failed attempts; where none fits, one error lists all three)
    private static readonly Parser<Expr> Atom = Guarded(input =>
    {
        var next = input.AtEnd ? '\0' : input.Current;
        var result = char.IsAsciiDigit(next) || next == '.' ? Number(input)
            : next == '(' ? Parenthesized(input)
            : Reference(input);
        return result.WasSuccessful || !result.Remainder.Equals(input) ? result : Result.Failure<Expr>(input, AtomExpected[0], AtomExpected);
    });

    // signs = {"-" | "+"}, as a string of the signs read
    private static readonly Parser<string> Signs = Lexeme(ScanSigns, "a sign", optional: true);

    // power = atom {("**" | "^") {sign} atom}      (right-associative, one level deeper per operator;
    //                                               a sign binds the power chain after it)
    private static readonly Parser<Expr> Power =
        Infix(Atom, SameLine(Symbol("**", "^")), Sequence(Signs, Atom, (signs, atom) => (signs, atom)), (_, item) => item, Exact.FoldPower, nests: true);

    // unary = {"-" | "+"} power
    private static readonly Parser<Expr> Unary = Sequence(Signs, Power, Exact.ApplySigns);

    // product = unary {("*" | "/") unary}
    private static readonly Parser<Expr> Product =
        Infix(Unary, SameLine(Symbol("*", "/", notFollowedBy: '*')), Unary, (op, operand) => op == "/" ? Exact.Reciprocal(operand) : operand, Exact.Product);

    // sum = product {("+" | "-") product}
    private static readonly Parser<Expr> Sum =
        Infix(Product, SameLine(Symbol("+", "-")), Product, (op, operand) => op == "-" ? Exact.Negate(operand) : operand, Exact.Sum);

    // separator = ";" | "in" | newline
    private static readonly Parser<string> Separator =
        Symbol(";").Or(Keyword("in")).Or(NewlineBefore).Named("\";\", \"in\" or a new line");

    // binding = "let" binder {binder} "=" sum separator
    //                                            (with parameters, an F#-style local function; a new line ends the
    //                                            value unless inside parentheses or after an operator: see SameLine)
    private static readonly Parser<Binding> LetBinding = Map(
        from keyword in Keyword("let")
        from name in Sequence(Here, Binder, (position, name) => (position, name))
        from parameters in Sequence(Here, Binder, (position, name) => (position, name)).Repeat()
        from eq in Symbol("=")
        from value in Definition(name.name, parameters, BindingValue(Later(() => Sum!)))
        from separator in Separator
        select (name.name, parameters, value),
        (state, b) => Define(state, b.name, b.parameters.Select(p => p.name), b.value));

    // block = {binding} sum                     (what a binding defines is in scope until the block ends)
    private static readonly Parser<Expr> Block = InScope(
        from bindings in LetBinding.Repeat()
        from body in Sum
        select Exact.Let(bindings.ToImmutableArray(), body));

    // header = "fun" binder {binder} "->"
    private static readonly Parser<IEnumerable<string>> Header =
        from fun in Keyword("fun")
        from names in Binder.AtLeastOnce()
        from arrow in Symbol("->")
        select names;

    // formula = [header] block
    private static readonly Parser<(IEnumerable<string>? Header, Expr Body)> Formula =
        from leading in Parse.WhiteSpace.Many()
        from header in Header.Optional()
        from body in Block.End()
        select (header.IsDefined ? header.Get() : null, body);

    /// <summary>
    /// Parses formula text into a tree and its declared parameters (null without a <c>fun</c> header); text the
    /// grammar does not accept is an error returned, not thrown, and what the rules themselves refuse (names, arity,
    /// nesting) is thrown. The length limit is <see cref="Reader"/>'s, checked before anything is read.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="functions">The functions and constants a call may name.</param>
    /// <param name="options">The limits.</param>
    /// <param name="defining">The context function whose body this is (it may not call itself), or null.</param>
    /// <param name="read">The header and the tree, when read.</param>
    /// <param name="error">The syntax error, when not.</param>
    /// <returns>True when the text was read.</returns>
    public static bool TryRead(string text, FunctionTable functions, FormulaOptions options, string? defining,
        out (IReadOnlyList<string>? Header, Expr Body) read, [NotNullWhen(false)] out FormulaSyntaxException? error)
    {
        read = default;
        error = null;
        var context = new ReadState(text, functions, options);
        if (defining is not null)
        {
            context.Defining.Add(defining);
        }

        var result = Formula(new TextInput(text, context));
        if (!result.WasSuccessful)
        {
            error = Failure(text, result);
            return false;
        }

        read = (result.Value.Header?.ToList(), result.Value.Body);
        return true;
    }
}
