// The user's steps live with the local stack, which `npm run demo` shares.
export * from '../../dev/stack/steps';
