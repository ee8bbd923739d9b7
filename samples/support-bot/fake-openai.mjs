// A stand-in for api.openai.com when no OPENAI_API_KEY is set: answers chat completions in OpenAI's format with a
// token count that grows with the question, so each tenant's cost differs. Usage: node fake-openai.mjs PORT
import http from "node:http";

const port = Number(process.argv[2] ?? 8089);
http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    const request = JSON.parse(body || "{}");
    const prompt = JSON.stringify(request.messages ?? []).length * 40;
    const reply = "Thanks for asking! Here is what to do next.";
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({
      id: "chatcmpl-sample", object: "chat.completion", created: Math.floor(Date.now() / 1000), model: "gpt-4o-mini-2024-07-18",
      choices: [{ index: 0, message: { role: "assistant", content: reply, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: prompt, completion_tokens: 250, total_tokens: prompt + 250,
        prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    }));
  });
}).listen(port, "127.0.0.1");
