// The logged-in user and the token, kept in sessionStorage (closing the tab ends the session).

const TOKEN = "sugit.token";
const USER = "sugit.user";
const listeners = new Set();

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function user() {
  try {
    return JSON.parse(sessionStorage.getItem(USER) ?? "null");
  } catch {
    return null;
  }
}

export function start(newToken, newUser) {
  sessionStorage.setItem(TOKEN, newToken);
  sessionStorage.setItem(USER, JSON.stringify(newUser));
  listeners.forEach((listener) => listener(newUser));
}

export function end() {
  const had = token() !== null;
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(USER);
  if (had) listeners.forEach((listener) => listener(null));
}

export function onChange(listener) {
  listeners.add(listener);
}
