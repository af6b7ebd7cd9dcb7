using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Sprache;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The formula grammar (see docs/language.md for the EBNF). One parser per precedence level, loosest last.
/// Every repetition is a loop (<c>Repeat</c>), never recursion, so a million-term sum parses in constant
/// stack; only parentheses and calls recurse, and <see cref="Limits"/> bounds their depth before parsing.
/// </summary>
internal static class Parser
{
    private static readonly HashSet<string> Keywords = new(["let", "in", "fun"], StringComparer.Ordinal);

    // name = (letter | "_") { letter | digit | "_" }
    private static readonly Parser<string> Identifier = Lexeme(ScanIdentifier, "a name");

    private static readonly Parser<string> Name = input =>
    {
        var identifier = Identifier(input);
        return identifier.WasSuccessful && Keywords.Contains(identifier.Value)
            ? Result.Failure<string>(input, "expected a name", NameExpected)
            : identifier;
    };

    private static readonly string[] NameExpected = ["a name"];

    // binder = name, not a keyword and not a built-in function (constants may be shadowed)
    private static readonly Parser<string> Binder =
        from position in Here
        from name in Name
        select CheckBindable(name, position);

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
                return Result.Success(Resolve(name.Value, args.Value, position), args.Remainder);
            }

            if (!args.Remainder.Equals(rest))
            {
                return Result.Failure<Expr>(args.Remainder, args.Message, args.Expectations);
            }
        }

        return Result.Success(Resolve(name.Value, null, position), rest);
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
        Chain(Atom, SameLine(Symbol("**", "^")), Sequence(Signs, Atom, (signs, atom) => (signs, atom)), (_, item) => item, Exact.FoldPower, nests: true);

    // unary = {"-" | "+"} power
    private static readonly Parser<Expr> Unary = Sequence(Signs, Power, Exact.ApplySigns);

    // product = unary {("*" | "/") unary}
    private static readonly Parser<Expr> Product =
        Chain(Unary, SameLine(Symbol("*", "/", notFollowedBy: '*')), Unary, (op, operand) => op == "/" ? Exact.Reciprocal(operand) : operand, Exact.Product);

    // sum = product {("+" | "-") product}
    private static readonly Parser<Expr> Sum =
        Chain(Product, SameLine(Symbol("+", "-")), Product, (op, operand) => op == "-" ? Exact.Negate(operand) : operand, Exact.Sum);

    // separator = ";" | "in" | newline
    private static readonly Parser<string> Separator =
        Symbol(";").Or(Keyword("in")).Or(NewlineBefore).Named("\";\", \"in\" or a new line");

    // binding = "let" binder {binder} "=" sum separator
    //                                            (with parameters, an F#-style local function; a new line ends the
    //                                            value unless inside parentheses or after an operator: see SameLine)
    private static readonly Parser<Binding> LetBinding =
        from keyword in Keyword("let")
        from name in Sequence(Here, Binder, (position, name) => (position, name))
        from parameters in Sequence(Here, Binder, (position, name) => (position, name)).Repeat()
        from eq in Symbol("=")
        from value in Definition(name.name, parameters, BindingValue(Later(() => Sum!)))
        from separator in Separator
        select Define(name.name, parameters.Select(p => p.name), value);

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

    /// <summary>Parses formula text into a tree and its declared parameters (null without a <c>fun</c> header).</summary>
    /// <param name="text">The text.</param>
    /// <param name="functions">The functions and constants a call may name.</param>
    /// <param name="options">The limits.</param>
    /// <param name="defining">The context function whose body this is (it may not call itself), or null.</param>
    public static (IReadOnlyList<string>? Header, Expr Body) Read(string text, FormulaContext functions, FormulaOptions options, string? defining = null)
    {
        Limits.Check(text, options);
        var context = new ParseContext(text, functions, options);
        if (defining is not null)
        {
            context.Defining.Add(defining);
        }

        var previous = Current;
        Current = context;
        try
        {
            var result = Formula(new TextInput(text));
            if (!result.WasSuccessful)
            {
                throw Failure(text, result);
            }

            return (result.Value.Header?.ToList(), result.Value.Body);
        }
        finally
        {
            Current = previous;
        }
    }

    [ThreadStatic]
    private static ParseContext? Current;

    // the text being read, and how deep the rule being read nests (parentheses, calls, power operators)
    private sealed class ParseContext(string text, FormulaContext functions, FormulaOptions options)
    {
        public string Text { get; } = text;

        public FormulaContext Functions { get; } = functions;

        // the names bound so far in the enclosing blocks, innermost last: a local function's parameters, or null for a value
        public List<(string Name, string[]? Parameters)> Locals { get; } = [];

        // the functions whose bodies are being read, which may not call themselves
        public List<string> Defining { get; } = [];

        public bool TryLocal(string name, out string[]? parameters)
        {
            for (var i = Locals.Count - 1; i >= 0; i--)
            {
                if (Locals[i].Name == name)
                {
                    parameters = Locals[i].Parameters;
                    return true;
                }
            }

            parameters = null;
            return false;
        }

        public int Depth { get; private set; }

        // open parentheses and calls, and their number where the binding being read started (-1: none)
        public int Parentheses { get; set; }

        public int BindingParentheses { get; set; } = -1;

        public bool InBindingValue => BindingParentheses == Parentheses;

        public void Enter(int offset)
        {
            if (++Depth > options.MaxDepth)
            {
                Depth--;
                throw At(Text, offset, FormulaErrorKind.Limit,
                    $"the formula nests deeper than {options.MaxDepth} levels (FormulaOptions.MaxDepth): each parenthesis, call and power operator is a level");
            }
        }

        public void Leave(int levels = 1) => Depth -= levels;
    }

    // The offside rule of bindings: in a binding's value, outside parentheses, an operator or a call's "(" at
    // the start of a new line does not continue the value; the new line ends the binding, and the line is the
    // next binding or the result. A line that ends with an operator, or an open parenthesis, continues.
    private static Parser<T> SameLine<T>(Parser<T> parser) => input =>
        Current!.InBindingValue && NewlineBefore(input).WasSuccessful
            ? Result.Failure<T>(input, "a new line ends the binding", ["the rest of the line"])
            : parser(input);

    // a binding's value, read with the offside rule at the current nesting
    private static Parser<T> BindingValue<T>(Parser<T> parser) => input =>
    {
        var context = Current!;
        var outer = context.BindingParentheses;
        context.BindingParentheses = context.Parentheses;
        try
        {
            return parser(input);
        }
        finally
        {
            context.BindingParentheses = outer;
        }
    };

    // a rule whose bindings go out of scope when it ends, however it ends
    private static Parser<T> InScope<T>(Parser<T> parser) => input =>
    {
        var locals = Current!.Locals;
        var mark = locals.Count;
        try
        {
            return parser(input);
        }
        finally
        {
            locals.RemoveRange(mark, locals.Count - mark);
        }
    };

    // a binding's value: for a local function, read with its parameters in scope and its own name not callable
    private static Parser<Expr> Definition(string name, List<(Position Position, string Name)> parameters, Parser<Expr> value) => input =>
    {
        var context = Current!;
        if (parameters.Count == 0)
        {
            return value(input);
        }

        var duplicate = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw At(context.Text, duplicate.Skip(1).First().Position.Offset, FormulaErrorKind.Name,
                $"parameter `{duplicate.Key}` of `{name}` is declared twice");
        }

        var mark = context.Locals.Count;
        context.Locals.AddRange(parameters.Select(p => (p.Name, (string[]?)null)));
        context.Defining.Add(name);
        try
        {
            return value(input);
        }
        finally
        {
            context.Defining.RemoveAt(context.Defining.Count - 1);
            context.Locals.RemoveRange(mark, context.Locals.Count - mark);
        }
    };

    // puts a binding in scope for the rest of its block
    private static Binding Define(string name, IEnumerable<string> parameters, Expr value)
    {
        var names = parameters.ToImmutableArray();
        Current!.Locals.Add((name, names.Length == 0 ? null : [.. names]));
        return new Binding(name, names.Length == 0 ? value : new Lambda(names, value));
    }

    // a rule read one level deeper, after its opening parenthesis (which the error points at)
    private static Parser<T> Nested<T>(Parser<T> parser) => input =>
    {
        var open = input.Position - 1;
        while (open > 0 && char.IsWhiteSpace(input.Source[open]))
        {
            open--;
        }

        var context = Current!;
        context.Enter(open);
        context.Parentheses++;
        try
        {
            return parser(input);
        }
        finally
        {
            context.Parentheses--;
            context.Leave();
        }
    };

    private static FormulaSyntaxException Failure<T>(string text, IResult<T> result)
    {
        var at = result.Remainder;
        var unexpected = at.AtEnd ? "end of input" : $"`{Describe(text, at.Position)}`";
        var expected = result.Expectations.Distinct().ToList();
        var reason = expected.Count == 0
            ? $"unexpected {unexpected}"
            : $"unexpected {unexpected}, expected {Alternatives(expected)}";
        if (!at.AtEnd && text[at.Position] == '(' && at.Position > 0 && text[at.Position - 1] == ')')
        {
            reason += "; use `*` to multiply";
        }

        return new FormulaSyntaxException(FormulaErrorKind.Syntax, reason, text, at.Line, at.Column);
    }

    private static string Alternatives(List<string> items) =>
        items.Count == 1 ? items[0] : $"{string.Join(", ", items.Take(items.Count - 1))} or {items[^1]}";

    private static string Describe(string text, int position)
    {
        var c = text[position];
        if (char.IsLetter(c) || c == '_')
        {
            var end = position;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            return text[position..end];
        }

        return c switch
        {
            '\n' => "new line",
            '\t' => "tab",
            _ => c.ToString(),
        };
    }

    // Sprache's Select, without building a parser on every call
    private static Parser<TResult> Map<T, TResult>(Parser<T> parser, Func<T, TResult> convert) => input =>
    {
        var result = parser(input);
        return result.WasSuccessful
            ? Result.Success(convert(result.Value), result.Remainder)
            : Result.Failure<TResult>(result.Remainder, result.Message, result.Expectations);
    };

    // a b, combined; the hot rules use it instead of a query expression, which builds parsers on every call
    private static Parser<TResult> Sequence<TFirst, TSecond, TResult>(Parser<TFirst> first, Parser<TSecond> second, Func<TFirst, TSecond, TResult> combine) => input =>
    {
        var a = first(input);
        if (!a.WasSuccessful)
        {
            return Result.Failure<TResult>(a.Remainder, a.Message, a.Expectations);
        }

        var b = second(a.Remainder);
        return b.WasSuccessful
            ? Result.Success(combine(a.Value, b.Value), b.Remainder)
            : Result.Failure<TResult>(b.Remainder, b.Message, b.Expectations);
    };

    // head {op item}, read in one loop (the hot path of every formula, so no parsers are built per call):
    // stops where op fails without consuming input, fails where op or item fails after consuming some
    // With nests, each op is one level deeper until the chain ends (a right-nested chain).
    private static Parser<TResult> Chain<THead, TItem, TTail, TResult>(
        Parser<THead> head, Parser<string> op, Parser<TItem> item, Func<string, TItem, TTail> tail, Func<THead, List<TTail>, TResult> build,
        bool nests = false) => input =>
    {
        var first = head(input);
        if (!first.WasSuccessful)
        {
            return Result.Failure<TResult>(first.Remainder, first.Message, first.Expectations);
        }

        // most operands have no operator after them: the list is made at the first one
        List<TTail>? items = null;
        var rest = first.Remainder;
        var levels = 0;
        try
        {
            while (true)
            {
                var symbol = op(rest);
                if (!symbol.WasSuccessful)
                {
                    return symbol.Remainder.Equals(rest)
                        ? Result.Success(build(first.Value, items ?? NoItems<TTail>.List), rest)
                        : Result.Failure<TResult>(symbol.Remainder, symbol.Message, symbol.Expectations);
                }

                if (nests)
                {
                    Current!.Enter(rest.Position);
                    levels++;
                }

                var next = item(symbol.Remainder);
                if (!next.WasSuccessful)
                {
                    return Result.Failure<TResult>(next.Remainder, next.Message, next.Expectations);
                }

                (items ??= []).Add(tail(symbol.Value, next.Value));
                rest = next.Remainder;
            }
        }
        finally
        {
            Current!.Leave(levels);
        }
    };

    // the empty list of a chain without operators; the builders only read it
    private static class NoItems<T>
    {
        public static readonly List<T> List = [];
    }

    // element* as one loop: stops where the element fails without consuming input, and fails where it
    // fails after consuming some (Sprache's XMany, without building new parsers on every call)
    private static Parser<List<T>> Repeat<T>(this Parser<T> element) => input =>
    {
        var items = new List<T>();
        var rest = input;
        while (true)
        {
            var next = element(rest);
            if (!next.WasSuccessful)
            {
                return next.Remainder.Equals(rest)
                    ? Result.Success(items, rest)
                    : Result.Failure<List<T>>(next.Remainder, next.Message, next.Expectations);
            }

            if (next.Remainder.Equals(rest))
            {
                return Result.Success(items, rest);
            }

            items.Add(next.Value);
            rest = next.Remainder;
        }
    };

    // A forward reference for the recursive rules; unlike Parse.Ref it keeps no memo per position
    // (the grammar has no left recursion to detect).
    private static Parser<T> Later<T>(Func<Parser<T>> rule)
    {
        Parser<T>? parser = null;
        return input => (parser ??= rule())(input);
    }

    private static Parser<Position> Here => input =>
        Result.Success(new Position(input.Position, input.Line, input.Column), input);

    private static Parser<string> Symbol(string symbol, char? notFollowedBy = null)
    {
        // built once per parser: failing is the common case in a chain of alternatives
        var message = $"expected \"{symbol}\"";
        string[] expectations = [$"\"{symbol}\""];
        return input => MatchSymbol(input, symbol, notFollowedBy, message, expectations);
    }

    // one of two operators (the first not followed by notFollowedBy): a single parser with one prebuilt failure,
    // where Sprache's Or would merge two failures at the end of every operand
    private static Parser<string> Symbol(string first, string second, char? notFollowedBy = null)
    {
        var message = $"expected \"{first}\" or \"{second}\"";
        string[] expectations = [$"\"{first}\"", $"\"{second}\""];
        return input =>
        {
            var result = MatchSymbol(input, first, notFollowedBy, message, expectations);
            return result.WasSuccessful ? result : MatchSymbol(input, second, null, message, expectations);
        };
    }

    private static IResult<string> MatchSymbol(IInput input, string symbol, char? notFollowedBy, string message, string[] expectations)
    {
        var source = input.Source;
        var at = input.Position;
        var matches = string.CompareOrdinal(source, at, symbol, 0, symbol.Length) == 0
            && (notFollowedBy is null || at + symbol.Length >= source.Length || source[at + symbol.Length] != notFollowedBy);
        if (!matches)
        {
            return Result.Failure<string>(input, message, expectations);
        }

        return Result.Success(symbol, AdvancePast(input, SkipSpace(source, at + symbol.Length) - at));
    }

    private static Parser<string> Keyword(string keyword) =>
        Identifier.Where(word => word == keyword).Named($"\"{keyword}\"");

    // A line break between the previous token and this one ends a light-syntax let binding.
    private static Parser<string> NewlineBefore => input =>
    {
        for (var i = input.Position - 1; i >= 0 && char.IsWhiteSpace(input.Source[i]); i--)
        {
            if (input.Source[i] == '\n')
            {
                return Result.Success("\n", input);
            }
        }

        return Result.Failure<string>(input, "expected a new line", ["a new line"]);
    };

    private static Parser<T> Guarded<T>(Parser<T> parser) => input =>
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Limits.StackExhausted(input.Source, input.Line, input.Column);
        }

        return parser(input);
    };

    private static Parser<double> NumberToken => input =>
    {
        var text = input.Source;
        var start = input.Position;
        var i = start;
        var digits = ScanDigits(text, ref i);
        if (i < text.Length && text[i] == '.')
        {
            i++;
            digits += ScanDigits(text, ref i);
        }

        if (digits == 0)
        {
            return Result.Failure<double>(input, "expected a number", NumberExpected);
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var exponentStart = i;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            if (ScanDigits(text, ref i) == 0)
            {
                throw At(text, exponentStart, FormulaErrorKind.Syntax,
                    $"malformed number `{text[start..i]}`: the exponent needs digits, as in `{text[start..exponentStart]}e-6`");
            }
        }

        if (RadixLiteralEnd(text, start, i) is { } literalEnd)
        {
            throw At(text, start, FormulaErrorKind.Syntax,
                $"`{text[start..literalEnd]}`: hexadecimal, binary and octal numbers are not supported; write the number in decimal");
        }

        if (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_'))
        {
            var number = text[start..i];
            var end = i;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            throw At(text, i, FormulaErrorKind.Syntax,
                $"a number cannot be followed directly by a name; write `{number}*{text[i..end]}` to multiply");
        }

        if (i < text.Length && text[i] == '.')
        {
            throw At(text, i, FormulaErrorKind.Syntax, $"malformed number `{text[start..(i + 1)]}`: a number has at most one `.`");
        }

        var value = double.Parse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        return Result.Success(value, AdvancePast(input, SkipSpace(text, i) - start));
    };

    // the end of 0x1F, 0b101 or 0o17 written where a number starts, or null
    private static int? RadixLiteralEnd(string text, int start, int i)
    {
        if (i - start != 1 || text[start] != '0' || i + 1 >= text.Length)
        {
            return null;
        }

        Func<char, bool>? digit = char.ToLowerInvariant(text[i]) switch
        {
            'x' => char.IsAsciiHexDigit,
            'b' => c => c is '0' or '1',
            'o' => c => c is >= '0' and <= '7',
            _ => null,
        };
        var end = i + 1;
        while (digit is not null && end < text.Length && digit(text[end]))
        {
            end++;
        }

        var word = end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_');
        return digit is not null && end > i + 1 && !word ? end : null;
    }

    // A token read by a scanner that returns its end offset (start when nothing matched); trailing
    // whitespace is consumed, as every token does.
    private static Parser<string> Lexeme(Func<string, int, int> scan, string expected, bool optional = false)
    {
        string[] expectations = [expected];
        var message = $"expected {expected}";
        return input =>
        {
            var text = input.Source;
            var end = scan(text, input.Position);
            if (end == input.Position && !optional)
            {
                return Result.Failure<string>(input, message, expectations);
            }

            return Result.Success(text[input.Position..end], AdvancePast(input, SkipSpace(text, end) - input.Position));
        };
    }

    /// <summary>True when the text is a name of the language: a letter or <c>_</c>, then letters, digits, <c>_</c>; not a keyword.</summary>
    internal static bool IsName(string text) =>
        text.Length > 0 && ScanIdentifier(text, 0) == text.Length && !Keywords.Contains(text);

    private static int ScanIdentifier(string text, int i)
    {
        if (i >= text.Length || !(char.IsLetter(text[i]) || text[i] == '_'))
        {
            return i;
        }

        do
        {
            i++;
        }
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'));
        return i;
    }

    // a run of + and - signs with any whitespace between them; the token text keeps only the signs
    private static int ScanSigns(string text, int i)
    {
        var end = i;
        while (i < text.Length && (text[i] == '-' || text[i] == '+' || char.IsWhiteSpace(text[i])))
        {
            if (text[i] != ' ' && !char.IsWhiteSpace(text[i]))
            {
                end = i + 1;
            }

            i++;
        }

        return end;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static IInput AdvancePast(IInput input, int count)
    {
        if (input is TextInput text)
        {
            return text.AdvanceBy(count);
        }

        for (var k = 0; k < count; k++)
        {
            input = input.Advance();
        }

        return input;
    }

    private static readonly string[] NumberExpected = ["a number"];

    private static int ScanDigits(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - start;
    }

    private static string CheckBindable(string name, Position position)
    {
        if (Current!.Functions.TryLookup(name, out var f) && !f.IsConstant)
        {
            throw At(Current!.Text, position.Offset, FormulaErrorKind.Name,
                $"`{name}` is a built-in function and cannot be used as a name");
        }

        return name;
    }

    private static Expr Resolve(string name, IEnumerable<Expr>? args, Position position)
    {
        var context = Current!;
        var text = context.Text;
        if (context.TryLocal(name, out var local))
        {
            return ResolveLocal(name, local, args, position);
        }

        var known = context.Functions.TryLookup(name, out var function);
        if (args is null)
        {
            if (known && !function!.IsConstant)
            {
                throw At(text, position.Offset, FormulaErrorKind.Arity,
                    $"function `{name}` needs arguments: {function.Signature}");
            }

            return new Variable(name);
        }

        if (!known)
        {
            throw At(text, position.Offset, FormulaErrorKind.Name, context.Defining.Contains(name)
                ? $"`{name}` cannot call itself: functions are not recursive"
                : $"unknown function `{name}`; the functions are {context.Functions.FunctionNames()}");
        }

        var list = args.ToImmutableArray();
        if (function!.IsConstant)
        {
            throw At(text, position.Offset, FormulaErrorKind.Arity, $"`{name}` is a constant and takes no arguments");
        }

        CheckArity(function.Name, function.Signature, function.Arity, list.Length, position);
        return new Call(function, list);
    }

    // a name bound in an enclosing block: a local function (its parameters) or a value (null)
    private static Expr ResolveLocal(string name, string[]? parameters, IEnumerable<Expr>? args, Position position)
    {
        var text = Current!.Text;
        if (parameters is null)
        {
            return args is not null
                ? throw At(text, position.Offset, FormulaErrorKind.Name, $"`{name}` is a value, not a function; define a function with `let {name} x = ...`")
                : new Variable(name);
        }

        var signature = $"{name}({string.Join(", ", parameters)})";
        if (args is null)
        {
            throw At(text, position.Offset, FormulaErrorKind.Arity, $"local function `{name}` needs arguments: {signature}");
        }

        var list = args.ToImmutableArray();
        CheckArity(name, signature, parameters.Length, list.Length, position);
        return new Call(Function.Local(name, parameters), list);
    }

    private static void CheckArity(string name, string signature, int arity, int given, Position position)
    {
        if (given != arity)
        {
            var plural = arity == 1 ? "argument" : "arguments";
            throw At(Current!.Text, position.Offset, FormulaErrorKind.Arity,
                $"function `{name}` takes {arity} {plural}, {signature}, but was given {given}");
        }
    }

    internal static FormulaSyntaxException At(string text, int offset, FormulaErrorKind kind, string reason)
    {
        var (line, column) = LineAndColumn(text, offset);
        return new FormulaSyntaxException(kind, reason, text, line, column);
    }

    internal static (int Line, int Column) LineAndColumn(string text, int offset)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return (line, column);
    }

    private readonly record struct Position(int Offset, int Line, int Column);
}
