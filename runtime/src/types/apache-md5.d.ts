// The package ships a declaration with `export default`, but it is CommonJS
// (`module.exports = fn`); under NodeNext that declaration types the import wrongly.
declare module 'apache-md5' {
  /** Apache `$apr1$` MD5-crypt of `password`, reusing the salt of `salt` when given. */
  function apacheMd5(password: string, salt?: string): string;
  export = apacheMd5;
}
