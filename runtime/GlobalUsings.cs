// The namespaces nearly every runtime file uses, imported once for the project.
global using System;
global using System.IO;
global using System.Threading;
global using System.Threading.Tasks;
global using Http.Client.Internal;
