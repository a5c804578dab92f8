// Prints whether @octokit/webhooks-methods accepts the body on stdin with the given signature.
import { verify } from "@octokit/webhooks-methods";
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
console.log(await verify(process.env.SECRET, Buffer.concat(chunks).toString("utf8"), process.argv[2]));
