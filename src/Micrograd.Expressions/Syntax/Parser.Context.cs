using System.Collections.Immutable;
using Sprache;

namespace Micrograd.Expressions.Syntax;

// The parser: the state of one read (text, nesting, names in scope) and the rules that change it.
internal static partial class Parser
{
    // the state of the read that input belongs to: every rule has its input at hand, so no state is global
    private static ReadState State(IInput input) =>
        (input as TextInput)?.State ?? throw new InvalidOperationException("the grammar reads a TextInput made by Parser.TryRead");

    /// <summary>The text being read, how deep the rule being read nests (parentheses, calls, power operators) and the names in scope.</summary>
    internal sealed class ReadState(string text, FunctionTable functions, FormulaOptions options)
    {
        public string Text { get; } = text;

        public FunctionTable Functions { get; } = functions;

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

        public int MaxDepth => options.MaxDepth;

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
        State(input).InBindingValue && NewlineBefore(input).WasSuccessful
            ? Result.Failure<T>(input, "a new line ends the binding", ["the rest of the line"])
            : parser(input);

    // a binding's value, read with the offside rule at the current nesting
    private static Parser<T> BindingValue<T>(Parser<T> parser) => input =>
    {
        var context = State(input);
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
        var locals = State(input).Locals;
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
        var context = State(input);
        if (parameters.Count == 0)
        {
            return value(input);
        }

        var duplicate = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw At(context.Text, duplicate.Skip(1).First().Position.Offset, FormulaErrorKind.Name,
                Guards.DeclaredTwice(duplicate.Key, name));
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
    private static Binding Define(ReadState context, string name, IEnumerable<string> parameters, Expr value)
    {
        var names = parameters.ToImmutableArray();
        context.Locals.Add((name, names.Length == 0 ? null : [.. names]));
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

        var context = State(input);
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
}
