using System.Collections.Immutable;

namespace Micrograd.Expressions.Syntax;

// The parser: what a name means where it is read (parameter, binding, function, constant) and its checks.
internal static partial class Parser
{
    private static string CheckBindable(ReadState context, string name, Position position)
    {
        if (context.Functions.TryLookup(name, out var f) && !f.IsConstant)
        {
            throw At(context.Text, position.Offset, FormulaErrorKind.Name,
                $"`{name}` is a built-in function and cannot be used as a name");
        }

        return name;
    }

    private static Expr Resolve(ReadState context, string name, IEnumerable<Expr>? args, Position position)
    {
        var text = context.Text;
        if (context.TryLocal(name, out var local))
        {
            return ResolveLocal(context, name, local, args, position);
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
                : $"unknown function `{name}`; the functions are {context.Functions.FunctionNames()}{Spelling.DidYouMean(name, context.Functions.Functions.Where(f => !f.IsConstant).Select(f => f.Name))}");
        }

        var list = args.ToImmutableArray();
        if (function!.IsConstant)
        {
            throw At(text, position.Offset, FormulaErrorKind.Arity, $"`{name}` is a constant and takes no arguments");
        }

        if (function.FoldsLeft && list.Length > function.Arity)
        {
            return FoldLeft(context, function, list, position);
        }

        CheckArity(text, function.Name, function.Signature, function.Arity, list.Length, position);
        return new Call(function, list);
    }

    // a name bound in an enclosing block: a local function (its parameters) or a value (null)
    private static Expr ResolveLocal(ReadState context, string name, string[]? parameters, IEnumerable<Expr>? args, Position position)
    {
        var text = context.Text;
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
        CheckArity(text, name, signature, parameters.Length, list.Length, position);
        return new Call(Function.Local(name, parameters), list);
    }

    // max(a, b, c) = max(max(a, b), c), as Python's max(a, b, c) compares: each call is a level of nesting
    private static Call FoldLeft(ReadState context, Function function, ImmutableArray<Expr> list, Position position)
    {
        if (context.Depth + list.Length - 2 > context.MaxDepth)
        {
            throw At(context.Text, position.Offset, FormulaErrorKind.Limit,
                $"`{function.Name}` of {list.Length} arguments nests {list.Length - 1} calls, deeper than {context.MaxDepth} levels (FormulaOptions.MaxDepth)");
        }

        var folded = new Call(function, [list[0], list[1]]);
        for (var i = 2; i < list.Length; i++)
        {
            folded = new Call(function, [folded, list[i]]);
        }

        return folded;
    }

    private static void CheckArity(string text, string name, string signature, int arity, int given, Position position)
    {
        if (given != arity)
        {
            var plural = arity == 1 ? "argument" : "arguments";
            throw At(text, position.Offset, FormulaErrorKind.Arity,
                $"function `{name}` takes {arity} {plural}, {signature}, but was given {given}");
        }
    }
}
