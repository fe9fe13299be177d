// End-to-end tests drive the whole stack.
jest.setTimeout(600000);
