using System.Globalization;
using System.Runtime.InteropServices;

namespace Micrograd.Expressions.Syntax;

/// <summary>
/// The common case of <see cref="Parser"/>'s grammar, read by hand: one line of numbers, names, calls of known
/// functions, parentheses and the operators <c>+ - * / ** ^</c>, at most <see cref="MaxDepth"/> levels deep. It
/// builds the tree with the grammar's own constructors (<see cref="Exact"/>), so it gives the very tree the grammar
/// would, and it declines everything else: bindings, headers, new lines, anything unusual in a number, unknown
/// names, wrong arity, any error. The grammar reads what it declines (and words the errors), so the language is
/// defined by the grammar alone; <c>QuickReaderTests</c> check that both give the same trees.
/// Why it exists: the grammar is hundreds of small methods and delegates, which a young process compiles one by one
/// and runs unoptimized for its first thousands of formulas; this reader is a dozen methods (docs/performance.md,
/// section 14).
/// </summary>
internal static class QuickReader
{
    /// <summary>Levels of parentheses, calls and power operators read here; deeper text goes to the grammar.</summary>
    public const int MaxDepth = 40;

    /// <summary>The tree of <paramref name="text"/>, or null where the grammar must read it.</summary>
    /// <param name="text">The formula text (its length already checked).</param>
    /// <param name="functions">The functions and constants a call may name.</param>
    /// <param name="options">The limits.</param>
    /// <returns>The tree, or null.</returns>
    public static Expr? TryRead(string text, FunctionTable functions, FormulaOptions options)
    {
        // the operands of every open sum, product and call, innermost last: one list per thread, reused
        var operands = scratch ?? [];
        scratch = null;
        try
        {
            var reader = new State(text, functions, Math.Min(MaxDepth, options.MaxDepth), operands);
            if (!reader.Space())
            {
                return null;
            }

            var tree = reader.Sum();
            return tree is not null && reader.AtEnd ? tree : null;
        }
        finally
        {
            operands.Clear();
            scratch = operands.Capacity <= 1024 ? operands : null;
        }
    }

    [ThreadStatic]
    private static List<Expr>? scratch;

    private struct State(string text, FunctionTable functions, int maxDepth, List<Expr> operands)
    {
        private int at;
        private int depth;

        public readonly bool AtEnd => at == text.Length;

        private readonly char Next => at < text.Length ? text[at] : '\0';

        // spaces and tabs between tokens; false at any other white space (a new line may end a binding)
        public bool Space()
        {
            while (at < text.Length && (text[at] == ' ' || text[at] == '\t'))
            {
                at++;
            }

            return at == text.Length || !char.IsWhiteSpace(text[at]);
        }

        // sum = product {("+" | "-") product}
        public Expr? Sum()
        {
            var head = Product();
            var start = operands.Count;
            while (head is not null && Next is '+' or '-')
            {
                var minus = text[at++] == '-';
                if (!Space() || Product() is not { } operand)
                {
                    return null;
                }

                operands.Add(minus ? Exact.Negate(operand) : operand);
            }

            return head is null || operands.Count == start ? head : Drop(start, Exact.Sum(head, Pending(start)));
        }

        // product = unary {("*" | "/") unary}
        private Expr? Product()
        {
            var head = Unary();
            var start = operands.Count;
            while (head is not null && (Next == '/' || (Next == '*' && (at + 1 >= text.Length || text[at + 1] != '*'))))
            {
                var divide = text[at++] == '/';
                if (!Space() || Unary() is not { } operand)
                {
                    return null;
                }

                operands.Add(divide ? Exact.Reciprocal(operand) : operand);
            }

            return head is null || operands.Count == start ? head : Drop(start, Exact.Product(head, Pending(start)));
        }

        // unary = {"-" | "+"} power
        private Expr? Unary()
        {
            var negative = Signs();
            return negative is { } odd && Power() is { } power ? (odd ? Exact.Negate(power) : power) : null;
        }

        // {"-" | "+"}: true for an odd number of minus signs, null at white space other than spaces and tabs
        private bool? Signs()
        {
            var odd = false;
            while (Next is '-' or '+')
            {
                odd ^= text[at++] == '-';
                if (!Space())
                {
                    return null;
                }
            }

            return odd;
        }

        // power = atom {("**" | "^") {sign} atom}, one level deeper per operator
        private Expr? Power()
        {
            var head = Atom();
            (string Signs, Expr Atom)? first = null;
            List<(string Signs, Expr Atom)>? tail = null;
            var levels = 0;
            while (head is not null && (Next == '^' || (Next == '*' && at + 1 < text.Length && text[at + 1] == '*')))
            {
                at += text[at] == '^' ? 1 : 2;
                levels++;
                if (++depth > maxDepth || !Space() || Signs() is not { } odd || Atom() is not { } atom)
                {
                    return null;
                }

                if (first is null)
                {
                    first = (odd ? "-" : "", atom);
                }
                else
                {
                    (tail ??= [first.Value]).Add((odd ? "-" : "", atom));
                }
            }

            depth -= levels;
            return (head, first, tail) switch
            {
                (null, _, _) => null,
                (_, null, _) => head,
                (_, var (signs, atom), null) => Exact.FoldPower(head, signs, atom),
                _ => Exact.FoldPower(head, tail),
            };
        }

        // atom = number | name ["(" [sum {"," sum}] ")"] | "(" sum ")"
        private Expr? Atom()
        {
            var next = Next;
            if (!Guards.HasRoom())
            {
                return null;
            }

            if (char.IsAsciiDigit(next) || next == '.')
            {
                return Number();
            }

            if (next == '(')
            {
                at++;
                if (++depth > maxDepth || !Space() || Sum() is not { } inner || Next != ')')
                {
                    return null;
                }

                at++;
                depth--;
                return Space() ? inner : null;
            }

            return Reference();
        }

        // digits ["." [digits]] [exponent] | "." digits [exponent], followed by no letter, digit, "_" or "."
        private Expr? Number()
        {
            var start = at;
            var digits = Digits();
            if (Next == '.')
            {
                at++;
                digits += Digits();
            }

            if (digits == 0)
            {
                return null;
            }

            if (Next is 'e' or 'E')
            {
                at++;
                if (Next is '+' or '-')
                {
                    at++;
                }

                if (Digits() == 0)
                {
                    return null;
                }
            }

            var next = Next;
            if (char.IsLetterOrDigit(next) || next == '_' || next == '.')
            {
                return null;
            }

            var value = double.Parse(text.AsSpan(start, at - start), NumberStyles.Float, CultureInfo.InvariantCulture);
            return Space() ? new Number(value) : null;
        }

        // the operands pushed since start, still on the list
        private readonly ReadOnlySpan<Expr> Pending(int start) => CollectionsMarshal.AsSpan(operands)[start..];

        // the node built from them; they leave the list
        private readonly Expr Drop(int start, Expr node)
        {
            operands.RemoveRange(start, operands.Count - start);
            return node;
        }

        private int Digits() => Tokens.ScanDigits(text, ref at);

        // a parameter, a constant, or a call of a known function with the right number of arguments
        private Expr? Reference()
        {
            var start = at;
            at = Tokens.ScanIdentifier(text, at);
            if (at == start)
            {
                return null;
            }

            var name = text[start..at];
            if (Tokens.IsKeyword(name) || !Space())
            {
                return null;
            }

            var known = functions.TryLookup(name, out var function);
            if (Next != '(')
            {
                return known && !function!.IsConstant ? null : new Variable(name);
            }

            if (!known || function!.IsConstant)
            {
                return null;
            }

            at++;
            if (++depth > maxDepth || !Space())
            {
                return null;
            }

            var first = operands.Count;
            while (Next != ')')
            {
                if (operands.Count > first && Next != ',')
                {
                    return null;
                }

                at += operands.Count > first ? 1 : 0;
                if (!Space() || Sum() is not { } argument)
                {
                    return null;
                }

                operands.Add(argument);
            }

            at++;
            depth--;
            return operands.Count - first == function.Arity && Space()
                ? Drop(first, new Call(function, ImmutableCollectionsMarshal.AsImmutableArray(Pending(first).ToArray())))
                : null;
        }
    }
}
