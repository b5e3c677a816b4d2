// A Bell pair: a Hadamard on qubit 0, then a CNOT from qubit 0 to qubit 1, both measured.
// Expect about half 00 and half 11, and never 01 or 10.
//   npx qonduit jobs run examples/bell.qasm --backend local.simulator --wait
OPENQASM 3.0;
include "stdgates.inc";

qubit[2] q;
bit[2] c;

h q[0];
cx q[0], q[1];
c = measure q;
