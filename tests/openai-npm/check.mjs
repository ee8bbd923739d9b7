// The official openai npm client against the Panoptic gateway: chat, a stream, embeddings, models and an error.
// Usage: node check.mjs BASE_URL GATEWAY_KEY — prints one JSON object with what each call returned.
import OpenAI from "openai";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const result = {};

const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
result.chat = { text: completion.choices[0].message.content, promptTokens: completion.usage.prompt_tokens, requestId: completion._request_id };

let streamed = "";
let streamUsage = null;
const stream = await client.chat.completions.create({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] });
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
  if (chunk.usage) streamUsage = chunk.usage.completion_tokens;
}
result.stream = { text: streamed, completionTokens: streamUsage };

const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: "hello" });
result.embeddings = embedding.data[0].embedding.length;

const models = [];
for await (const model of client.models.list()) models.push(model.id);
result.models = models;

try {
  await client.chat.completions.create({ model: "no-such-model", messages: [] });
  result.error = null;
} catch (e) {
  result.error = { status: e.status, code: e.code, isNotFound: e instanceof OpenAI.NotFoundError };
}
console.log(JSON.stringify(result));
