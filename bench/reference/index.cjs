// The CustomSMSSender handler exactly as Cognito's documentation gives it ("Custom SMS sender
// Lambda trigger", Node.js example; kept in shared/reference/), the baseline for `npm run bench`.
// It is not a product: nothing is added beyond what it takes to run.
//
// Changes from the documented text, all needed to run it:
// 1. The page's `#` comment markers (a formatting artifact, not JavaScript) are written as `//`.
// 2. "Send sms to end-user using custom or 3rd party provider" is filled in with Twilio's SDK
//    as Twilio documents it: `twilio(accountSid, authToken).messages.create({ to, from, body })`,
//    the client built once at module scope, one send in every branch that has a code. (The
//    documented code has no branch for CustomSMSSender_Authentication, so it sends no MFA code,
//    and AccountTakeOverNotification carries no code: both are left as documented.)
// 3. One line points the Twilio client at TWILIO_BASE_URL (the bench's loopback emulator):
//    `client.api.baseUrl`, the base URL the SDK's own Api domain uses ("https://api.twilio.com").
// KMS needs no change: the Encryption SDK's KMS client (AWS SDK v3) honours AWS_ENDPOINT_URL_KMS.
// Deployed unbundled with its node_modules (aws-sdk, base64-js, @aws-crypto/client-node, twilio).
const AWS = require('aws-sdk');
const b64 = require('base64-js');
const encryptionSdk = require('@aws-crypto/client-node');
const twilio = require('twilio');

//Configure the encryption SDK client with the KMS key from the environment variables.
const { encrypt, decrypt } = encryptionSdk.buildClient(encryptionSdk.CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
const generatorKeyId = process.env.KEY_ALIAS;
const keyIds = [ process.env.KEY_ID ];
const keyring = new encryptionSdk.KmsKeyringNode({ generatorKeyId, keyIds })

const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
if (process.env.TWILIO_BASE_URL) client.api.baseUrl = process.env.TWILIO_BASE_URL;

// The documented branches all send the same way here: only the text would differ.
const sendSms = (event, plainTextCode) =>
  client.messages.create({
    to: event.request.userAttributes.phone_number,
    from: process.env.TWILIO_FROM,
    body: `Your verification code is ${plainTextCode}`,
  });

exports.handler = async (event) => {
  //Decrypt the secret code using encryption SDK.
  let plainTextCode;
  if(event.request.code){
    const { plaintext, messageHeader } = await decrypt(keyring, b64.toByteArray(event.request.code));
    plainTextCode = plaintext
  }
  //PlainTextCode now has the decrypted secret.
  if(event.triggerSource == 'CustomSMSSender_SignUp'){
    //Send sms to end-user using custom or 3rd party provider.
    //Include temporary password in the email.
    await sendSms(event, plainTextCode);
  }else if(event.triggerSource == 'CustomSMSSender_ResendCode'){
    await sendSms(event, plainTextCode);
  }else if(event.triggerSource == 'CustomSMSSender_ForgotPassword'){
    await sendSms(event, plainTextCode);
  }else if(event.triggerSource == 'CustomSMSSender_UpdateUserAttribute'){
    await sendSms(event, plainTextCode);
  }else if(event.triggerSource == 'CustomSMSSender_VerifyUserAttribute'){
    await sendSms(event, plainTextCode);
  }else if(event.triggerSource == 'CustomSMSSender_AdminCreateUser'){
    await sendSms(event, plainTextCode);
  }else if(event.triggerSource == 'CustomSMSSender_AccountTakeOverNotification'){
  }
  return;
};
