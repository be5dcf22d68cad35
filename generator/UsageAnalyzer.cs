using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Http.Client.Generator
{
    /// <summary>
    /// Compile-time checks of calls into Http.Client whose arguments are constants: header names and values, methods,
    /// URLs and hosts that the runtime would reject (HTTP1001-1005, errors), and known header names written in another
    /// letter case than <c>Http.HeaderNames</c> (HTTP1006, info). The rules are the runtime's (<see cref="HttpSyntaxRules"/>).
    /// Silent when the compilation does not reference the library, and inside the library itself.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class UsageAnalyzer : DiagnosticAnalyzer
    {
        private const string HeaderNamesTypeName = "Http.HeaderNames";
        private const string KeyValuePairTypeName = "System.Collections.Generic.KeyValuePair`2";
        private const string KeyValuePairFactoryTypeName = "System.Collections.Generic.KeyValuePair";

        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            DiagnosticDescriptors.InvalidHeaderName,
            DiagnosticDescriptors.InvalidHeaderValue,
            DiagnosticDescriptors.InvalidMethod,
            DiagnosticDescriptors.InvalidUrl,
            DiagnosticDescriptors.InvalidHost,
            DiagnosticDescriptors.HeaderNameCase);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.EnableConcurrentExecution();
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.RegisterCompilationStartAction(static start =>
            {
                Compilation compilation = start.Compilation;
                if (LibraryReference.Connection(compilation) is not INamedTypeSymbol connection)
                {
                    return;
                }

                var symbols = new LibrarySymbols(
                    connection,
                    compilation.GetTypeByMetadataName(LibraryReference.SecureConnectionTypeName),
                    compilation.GetTypeByMetadataName(HeaderNamesTypeName),
                    compilation.GetTypeByMetadataName(KeyValuePairTypeName),
                    compilation.GetTypeByMetadataName(KeyValuePairFactoryTypeName),
                    compilation.GetSpecialType(SpecialType.System_String));
                start.RegisterOperationAction(operation => AnalyzeInvocation(operation, symbols), OperationKind.Invocation);
                start.RegisterOperationAction(operation => AnalyzeCreation(operation, symbols), OperationKind.ObjectCreation);
            });
        }

        /// <summary>PutRequest, PutHeader, Request, RequestAsync and SetTunnel on HttpConnection.</summary>
        private static void AnalyzeInvocation(OperationAnalysisContext context, LibrarySymbols symbols)
        {
            var invocation = (IInvocationOperation)context.Operation;
            IMethodSymbol method = invocation.TargetMethod;
            switch (method.Name)
            {
                case "PutRequest":
                case "Request":
                case "RequestAsync":
                case "PutHeader":
                case "SetTunnel":
                    break;
                default:
                    return;
            }

            if (!symbols.IsConnectionType(method.ContainingType))
            {
                return;
            }

            if (method.Name == "PutHeader")
            {
                AnalyzePutHeader(context, invocation.Arguments, symbols);
                return;
            }

            if (method.Name == "SetTunnel")
            {
                AnalyzeHostAndPort(context, invocation.Arguments);
            }

            foreach (IArgumentOperation argument in invocation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is null)
                {
                    continue;
                }

                switch (argument.Parameter.Name)
                {
                    case "method":
                        Check(context, argument.Value, HttpSyntaxRules.CheckMethod, DiagnosticDescriptors.InvalidMethod);
                        break;
                    case "url":
                        Check(context, argument.Value, HttpSyntaxRules.CheckUrl, DiagnosticDescriptors.InvalidUrl);
                        break;
                    case "headers":
                        AnalyzeHeaderCollection(context, argument.Value, symbols);
                        break;
                }
            }
        }

        /// <summary><c>new HttpConnection(host, port, ...)</c> and <c>new HttpsConnection(host, port, ...)</c>.</summary>
        private static void AnalyzeCreation(OperationAnalysisContext context, LibrarySymbols symbols)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            INamedTypeSymbol? type = creation.Constructor?.ContainingType;
            if (type is null
                || !(SymbolEqualityComparer.Default.Equals(type, symbols.Connection) || SymbolEqualityComparer.Default.Equals(type, symbols.SecureConnection)))
            {
                return;
            }

            AnalyzeHostAndPort(context, creation.Arguments);
        }

        private static void AnalyzeHostAndPort(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments)
        {
            IOperation? host = null;
            bool? portIsNull = true; // an omitted port is null: the host is split
            foreach (IArgumentOperation argument in arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "host":
                        host = argument.Value;
                        break;
                    case "port" when argument.ArgumentKind != ArgumentKind.DefaultValue:
                        Optional<object?> port = LibraryReference.ConstantOf(argument.Value);
                        if (!port.HasValue)
                        {
                            portIsNull = null;
                        }
                        else if (port.Value is int value)
                        {
                            portIsNull = false;
                            string? portError = HttpSyntaxRules.CheckPort(value);
                            if (portError is not null)
                            {
                                context.ReportDiagnostic(Diagnostic.Create(
                                    DiagnosticDescriptors.InvalidHost, argument.Value.Syntax.GetLocation(), value.ToString(System.Globalization.CultureInfo.InvariantCulture), portError));
                            }
                        }

                        break;
                }
            }

            if (host is not null && ConstantString(host) is string hostText)
            {
                string? error = HttpSyntaxRules.CheckHost(hostText, portIsNull);
                if (error is not null)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidHost, host.Syntax.GetLocation(), HttpSyntaxRules.Display(hostText), error));
                }
            }
        }

        /// <summary><c>PutHeader(string name, params string[] values)</c>; the byte[] overload is left alone.</summary>
        private static void AnalyzePutHeader(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments, LibrarySymbols symbols)
        {
            IOperation? name = null;
            IOperation? values = null;
            foreach (IArgumentOperation argument in arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "name" when SymbolEqualityComparer.Default.Equals(argument.Parameter.Type, symbols.String):
                        name = argument.Value;
                        break;
                    case "values":
                        values = argument.Value;
                        break;
                }
            }

            if (name is null)
            {
                return;
            }

            string? nameText = CheckHeaderName(context, name, symbols);
            if (values is IArrayCreationOperation { Initializer: { } initializer })
            {
                foreach (IOperation value in initializer.ElementValues)
                {
                    CheckHeaderValue(context, value, nameText);
                }
            }
        }

        /// <summary>
        /// The name/value pairs written inline in a headers argument: <c>new KeyValuePair&lt;string, string&gt;(n, v)</c>
        /// (target-typed too), <c>KeyValuePair.Create(n, v)</c>, dictionary initializers <c>{ n, v }</c> and <c>[n] = v</c>.
        /// </summary>
        private static void AnalyzeHeaderCollection(OperationAnalysisContext context, IOperation headers, LibrarySymbols symbols)
        {
            foreach (IOperation operation in headers.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IObjectCreationOperation creation
                        when creation.Arguments.Length == 2 && IsStringPair(creation.Type, symbols):
                        CheckPair(context, creation.Arguments, symbols);
                        break;
                    case IInvocationOperation invocation
                        when invocation.Arguments.Length == 2 && TakesTwoStrings(invocation.TargetMethod, symbols)
                            && (invocation.TargetMethod.Name == "Add"
                                || (invocation.TargetMethod.Name == "Create" && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, symbols.KeyValuePairFactory))):
                        CheckPair(context, invocation.Arguments, symbols);
                        break;
                    case ISimpleAssignmentOperation
                    {
                        Target: IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer,
                        Parent: IObjectOrCollectionInitializerOperation,
                    } assignment
                        when SymbolEqualityComparer.Default.Equals(indexer.Arguments[0].Parameter?.Type, symbols.String):
                        string? name = CheckHeaderName(context, indexer.Arguments[0].Value, symbols);
                        CheckHeaderValue(context, assignment.Value, name);
                        break;
                }
            }
        }

        private static void CheckPair(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments, LibrarySymbols symbols)
        {
            IOperation first = arguments[0].Value;
            IOperation second = arguments[1].Value;
            if (arguments[0].Parameter?.Ordinal == 1)
            {
                (first, second) = (second, first); // named arguments written in the other order
            }

            string? name = CheckHeaderName(context, first, symbols);
            CheckHeaderValue(context, second, name);
        }

        /// <summary>Reports HTTP1001 or HTTP1006 for a constant name; returns the constant (for value messages) or null.</summary>
        private static string? CheckHeaderName(OperationAnalysisContext context, IOperation name, LibrarySymbols symbols)
        {
            if (ConstantString(name) is not string text)
            {
                return null;
            }

            string? error = HttpSyntaxRules.CheckHeaderName(text);
            if (error is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidHeaderName, name.Syntax.GetLocation(), HttpSyntaxRules.Display(text), error));
            }
            else if (symbols.FindKnownHeader(text) is (string canonical, string constant) && !string.Equals(canonical, text, StringComparison.Ordinal))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.HeaderNameCase, name.Syntax.GetLocation(), ConstantProperties.Create(HeaderNamesTypeName, constant), text, canonical, constant));
            }

            return text;
        }

        private static void CheckHeaderValue(OperationAnalysisContext context, IOperation value, string? headerName)
        {
            if (ConstantString(value) is not string text)
            {
                return;
            }

            string? error = HttpSyntaxRules.CheckHeaderValue(text);
            if (error is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidHeaderValue, value.Syntax.GetLocation(), HttpSyntaxRules.Display(text), HttpSyntaxRules.Display(headerName ?? "?"), error));
            }
        }

        private static void Check(OperationAnalysisContext context, IOperation operation, Func<string, string?> rule, DiagnosticDescriptor descriptor)
        {
            if (ConstantString(operation) is string text && rule(text) is string error)
            {
                context.ReportDiagnostic(Diagnostic.Create(descriptor, operation.Syntax.GetLocation(), HttpSyntaxRules.Display(text), error));
            }
        }

        private static bool IsStringPair(ITypeSymbol? type, LibrarySymbols symbols)
            => type is INamedTypeSymbol { IsGenericType: true } named
                && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, symbols.KeyValuePair)
                && SymbolEqualityComparer.Default.Equals(named.TypeArguments[0], symbols.String)
                && SymbolEqualityComparer.Default.Equals(named.TypeArguments[1], symbols.String);

        private static bool TakesTwoStrings(IMethodSymbol method, LibrarySymbols symbols)
            => method.Parameters.Length == 2
                && SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, symbols.String)
                && SymbolEqualityComparer.Default.Equals(method.Parameters[1].Type, symbols.String);

        private static string? ConstantString(IOperation operation)
            => LibraryReference.ConstantOf(operation) is { HasValue: true, Value: string text } ? text : null;

        /// <summary>The library's types for one compilation, and its known header names (read once, on first need).</summary>
        private sealed class LibrarySymbols
        {
            private readonly INamedTypeSymbol? _headerNames;
            private readonly Lazy<Dictionary<string, (string Canonical, string Constant)>> _knownHeaders;

            public LibrarySymbols(
                INamedTypeSymbol connection,
                INamedTypeSymbol? secureConnection,
                INamedTypeSymbol? headerNames,
                INamedTypeSymbol? keyValuePair,
                INamedTypeSymbol? keyValuePairFactory,
                INamedTypeSymbol stringType)
            {
                Connection = connection;
                SecureConnection = secureConnection;
                _headerNames = headerNames;
                KeyValuePair = keyValuePair;
                KeyValuePairFactory = keyValuePairFactory;
                String = stringType;
                _knownHeaders = new Lazy<Dictionary<string, (string, string)>>(ReadKnownHeaders, System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            }

            public INamedTypeSymbol Connection { get; }

            public INamedTypeSymbol? SecureConnection { get; }

            public INamedTypeSymbol? KeyValuePair { get; }

            public INamedTypeSymbol? KeyValuePairFactory { get; }

            public INamedTypeSymbol String { get; }

            /// <summary>HttpConnection or a class derived from it (HttpsConnection, or one of the user's).</summary>
            public bool IsConnectionType(INamedTypeSymbol? type) => LibraryReference.IsConnectionType(type, Connection);

            public (string Canonical, string Constant)? FindKnownHeader(string name)
                => _knownHeaders.Value.TryGetValue(name, out (string, string) known) ? known : null;

            private Dictionary<string, (string, string)> ReadKnownHeaders()
            {
                var known = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
                if (_headerNames is null)
                {
                    return known;
                }

                foreach (ISymbol member in _headerNames.GetMembers())
                {
                    if (member is IFieldSymbol { IsConst: true, ConstantValue: string value } field && !known.ContainsKey(value))
                    {
                        known.Add(value, (value, field.Name));
                    }
                }

                return known;
            }
        }
    }
}
