using Sprache;

namespace Micrograd.Expressions.Syntax;

// The parser: combinators over Sprache that build no parsers per call.
internal static partial class Parser
{
    // Sprache's Select, without building a parser on every call
    private static Parser<TResult> Map<T, TResult>(Parser<T> parser, Func<T, TResult> convert) => input =>
    {
        var result = parser(input);
        return result.WasSuccessful
            ? Result.Success(convert(result.Value), result.Remainder)
            : Result.Failure<TResult>(result.Remainder, result.Message, result.Expectations);
    };

    // parser's value converted with the state of the read (names in scope, the text for errors)
    private static Parser<TResult> Map<T, TResult>(Parser<T> parser, Func<ReadState, T, TResult> convert) => input =>
    {
        var result = parser(input);
        return result.WasSuccessful
            ? Result.Success(convert(State(input), result.Value), result.Remainder)
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
    private static Parser<TResult> Infix<THead, TItem, TTail, TResult>(
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
                    State(input).Enter(rest.Position);
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
            State(input).Leave(levels);
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
        if (!Guards.HasRoom())
        {
            throw Limits.StackExhausted(input.Source, input.Line, input.Column);
        }

        return parser(input);
    };
}
