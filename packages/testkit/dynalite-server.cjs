// Runs dynalite (a DynamoDB-compatible server) in its own process for tests:
// inside the vitest worker its number parsing (big.js) fails, so it gets a plain Node process.
// Prints {"port":…} on stdout once listening; exits when its parent goes away.
const dynalite = require('dynalite');

const server = dynalite({ createTableMs: 0 });
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
