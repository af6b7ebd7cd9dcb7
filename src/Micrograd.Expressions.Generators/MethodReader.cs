using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Micrograd.Expressions.Generators;

/// <summary>
/// Reads a <c>[Formula]</c> method into a <see cref="Method"/> of plain values: its signature, containing types,
/// the attribute's arguments and the formula literal's place. A signature the generator cannot implement is a
/// problem recorded here (MGX0005); the formula itself is read later, by <see cref="Writer"/>.
/// </summary>
internal static class MethodReader
{
    public static Located Read(GeneratorAttributeSyntaxContext syntax, CancellationToken cancel)
    {
        var symbol = (IMethodSymbol)syntax.TargetSymbol;
        var declaration = (MethodDeclarationSyntax)syntax.TargetNode;
        var attribute = syntax.Attributes[0];
        var identifier = Place.Of(declaration.Identifier.GetLocation());
        var place = identifier;
        var problems = new List<Problem>();
        void Problem(string message) => problems.Add(new Problem(Diagnostics.Signature.Id, Anchor.Name, 0, new EquatableArray<string>([message])));

        var formula = attribute.ConstructorArguments is [{ Value: string text }] ? text : null;
        string? derivative = null;
        var gradient = false;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == "Derivative")
            {
                derivative = named.Value.Value as string;
            }
            else if (named.Key == "Gradient" && named.Value.Value is bool b)
            {
                gradient = b;
            }
        }

        Literal? literal = null;
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancel) is AttributeSyntax { ArgumentList.Arguments: [var first, ..] } applied)
        {
            place = Place.Of(first.Expression.GetLocation());
            if (first.Expression is LiteralExpressionSyntax { Token: var token } && token.IsKind(SyntaxKind.StringLiteralToken)
                || first.Expression is LiteralExpressionSyntax { Token: var raw } && (raw.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) || raw.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)))
            {
                var literalToken = ((LiteralExpressionSyntax)first.Expression).Token;
                var location = literalToken.GetLocation();
                literal = new Literal(location.SourceTree?.FilePath ?? "", literalToken.SpanStart, location.GetLineSpan().StartLinePosition, literalToken.Text);
            }
        }

        if (formula is null)
        {
            Problem("the formula must be a constant string");
        }

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword) || declaration.Body is not null || declaration.ExpressionBody is not null)
        {
            Problem($"method `{symbol.Name}` must be a partial method declaration without a body: `partial double {symbol.Name}(...);`");
        }

        if (symbol.IsGenericMethod)
        {
            Problem($"method `{symbol.Name}` must not be generic");
        }

        var returnType = symbol.ReturnType.SpecialType switch
        {
            SpecialType.System_Double => "double",
            SpecialType.System_Single => "float",
            _ => null,
        };
        if (returnType is null || symbol.ReturnsByRef || symbol.ReturnsByRefReadonly)
        {
            Problem($"method `{symbol.Name}` must return double or float, not {symbol.ReturnType.ToDisplayString()}");
        }

        var parameters = new List<Parameter>();
        foreach (var p in symbol.Parameters)
        {
            var kind = p.Type.SpecialType switch
            {
                SpecialType.System_Double => "double",
                SpecialType.System_Single => "float",
                _ => p.Type is INamedTypeSymbol { Name: "Span", ContainingNamespace.Name: "System", TypeArguments: [{ SpecialType: SpecialType.System_Double }] } ? "span" : null,
            };
            if (kind is null || p.RefKind is not RefKind.None || p.IsParams)
            {
                Problem($"parameter `{p.Name}` of method `{symbol.Name}` must be a double or float passed by value (or, last, the Span<double> of a gradient)");
            }

            parameters.Add(new Parameter(p.Name, kind ?? "other"));
        }

        var spans = parameters.Count(p => p.Kind == "span");
        if (gradient && (spans != 1 || parameters[parameters.Count - 1].Kind != "span"))
        {
            Problem($"method `{symbol.Name}` has Gradient = true: its last parameter must be the Span<double> that receives the gradient");
        }
        else if (!gradient && spans > 0)
        {
            Problem($"method `{symbol.Name}` takes a Span<double>, which only a Gradient = true method has");
        }

        if (gradient && derivative is not null)
        {
            Problem($"method `{symbol.Name}` sets both Derivative and Gradient: a method computes one of them");
        }

        var containers = new List<Container>();
        for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            var partial = type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancel) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                Problem($"type `{type.Name}` must be partial for the generator to add method `{symbol.Name}` to it");
            }

            var keyword = type switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                _ => "class",
            };
            var name = type.TypeParameters.Length == 0 ? Escape(type.Name) : $"{Escape(type.Name)}<{string.Join(", ", type.TypeParameters.Select(t => Escape(t.Name)))}>";
            containers.Insert(0, new Container(keyword, name));
        }

        var ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        var modifiers = string.Join(" ", declaration.Modifiers.Select(m => m.Text));
        var accessibility = string.Join(" ", declaration.Modifiers.Where(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.InternalKeyword)
            || m.IsKind(SyntaxKind.PrivateKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword)).Select(m => m.Text));
        // an overload's text constant is named by its parameters too: F_Text for F alone, F_double_float_Text for F(double, float)
        var overloaded = symbol.ContainingType.GetMembers(symbol.Name).Count(m => m is IMethodSymbol { MethodKind: MethodKind.Ordinary }) > 1;
        var textName = overloaded ? $"{symbol.Name}_{string.Join("_", parameters.Select(p => p.Kind))}_Text" : $"{symbol.Name}_Text";
        var method = new Method(HintName(symbol), ns, new([.. containers]), modifiers, accessibility, returnType ?? "double", Escape(symbol.Name), new([.. parameters]),
            formula, derivative, gradient, new([.. problems]), textName);
        return new Located(method, new Places(identifier, place, literal));
    }

    /// <summary>
    /// The generated file's name, unique in the compilation: the containing type's full metadata name (nested types
    /// after <c>+</c>, generic arity after a backquote), the method's name and its parameters' types, so that
    /// overloads get a file each: <c>Demo.Model.F(double,float).g.cs</c>.
    /// </summary>
    public static string HintName(IMethodSymbol symbol)
    {
        var type = symbol.ContainingType;
        var nested = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            nested = outer.MetadataName + "+" + nested;
        }

        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        var parameters = string.Join(",", symbol.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)
            .Replace('<', '{').Replace('>', '}').Replace(" ", "")));
        var name = $"{ns}{nested}.{symbol.MetadataName}({parameters})";
        return new string([.. name.Select(c => char.IsLetterOrDigit(c) || c is '.' or ',' or '_' or '+' or '`' or '{' or '}' or '(' or ')' ? c : '_')]) + ".g.cs";
    }

    /// <summary>A name as C# writes it: a keyword with <c>@</c>.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
